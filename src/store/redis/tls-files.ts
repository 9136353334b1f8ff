import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { InvalidConfigError } from '../../protocol/errors.js';

/** The environment variables that name TLS files, by the option each fills. */
const TLS_FILES = { ca: 'REDIS_TLS_CA_FILE', cert: 'REDIS_TLS_CERT_FILE', key: 'REDIS_TLS_KEY_FILE' } as const;

/**
 * TLS for the Redis connections from PEM files the environment names: a private CA
 * (REDIS_TLS_CA_FILE) and a client certificate and key (REDIS_TLS_CERT_FILE, REDIS_TLS_KEY_FILE),
 * what a server with `tls-auth-clients yes` asks for. Undefined when none is set. The files are
 * read here, once, so a path that cannot be read is a typed error before any connection.
 */
export function tlsFromEnv(env: NodeJS.ProcessEnv): ConnectionOptions | undefined {
  if ((env[TLS_FILES.cert] ? 1 : 0) + (env[TLS_FILES.key] ? 1 : 0) === 1) {
    throw new InvalidConfigError(`${TLS_FILES.cert} and ${TLS_FILES.key} go together: a client certificate needs its key`);
  }
  const tls: ConnectionOptions = {};
  let any = false;
  for (const [option, variable] of Object.entries(TLS_FILES) as [keyof typeof TLS_FILES, string][]) {
    const file = env[variable];
    if (!file) continue;
    any = true;
    try {
      tls[option] = readFileSync(file);
    } catch (error) {
      throw new InvalidConfigError(`${variable} names ${JSON.stringify(file)}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { variable });
    }
  }
  return any ? tls : undefined;
}
