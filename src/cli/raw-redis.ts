/** A plain connection for what the Store port does not offer (INFO, CONFIG, ACL): it gives up at once rather than wait for Redis. */
import { Redis } from 'ioredis';
import { InvalidConfigError } from '../protocol/errors.js';

export function redisUrl(flags: { redisUrl?: string }, env: NodeJS.ProcessEnv = process.env): string {
  const url = flags.redisUrl ?? (env.REDIS_URL || undefined);
  if (url === undefined) throw new InvalidConfigError('no Redis to use: set REDIS_URL or pass --redis-url');
  return url;
}

/** Not yet connected: `await connectRaw(client)` throws when Redis does not answer. */
export function rawRedis(url: string, env: NodeJS.ProcessEnv = process.env): Redis {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null, ...(env.REDIS_PASSWORD ? { password: env.REDIS_PASSWORD } : {}) });
  client.on('error', (error: Error) => void (lastErrors.set(client, error)));
  return client;
}

const lastErrors = new WeakMap<Redis, Error>();

/** Connects, failing with the socket's own reason (ECONNREFUSED ...) rather than ioredis's "Connection is closed". */
export async function connectRaw(client: Redis): Promise<void> {
  try {
    await client.connect();
  } catch (error) {
    throw lastErrors.get(client) ?? error;
  }
}

/** A Redis URL fit to print: the password replaced. */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable)';
  }
}
