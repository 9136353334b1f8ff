import { createRequire } from 'node:module';
import type * as Pino from 'pino';
import { InvalidConfigError } from '../protocol/errors.js';
import type { Logger } from '../protocol/logger.js';

let shared: Logger | undefined;

/**
 * pino, loaded on the first call rather than with this module: the store, the coordinator and the
 * CLI import this module, but a process that passes its own logger everywhere (a CLI command) never
 * needs pino. pino is CommonJS, so require() gives the same module an import would.
 */
const loadPino = (): typeof Pino => createRequire(import.meta.url)('pino') as typeof Pino;

/** The default logger: pino JSON on stderr, level from RENDEZVOUS_LOG_LEVEL (default info); one per process. */
export function defaultLogger(): Logger {
  if (shared) return shared;
  const { pino } = loadPino();
  const level = process.env.RENDEZVOUS_LOG_LEVEL || 'info';
  if (!(level in pino.levels.values) && level !== 'silent') {
    throw new InvalidConfigError(`RENDEZVOUS_LOG_LEVEL=${JSON.stringify(level)} is not one of ${Object.keys(pino.levels.values).join(', ')}, silent`);
  }
  shared = pino({ name: 'rendezvous', level }, pino.destination(2));
  return shared;
}
