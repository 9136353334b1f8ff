import { pino } from 'pino';
import { InvalidConfigError } from '../protocol/errors.js';
import type { Logger } from '../protocol/logger.js';

let shared: Logger | undefined;

/** The default logger: pino JSON on stderr, level from RENDEZVOUS_LOG_LEVEL (default info); one per process. */
export function defaultLogger(): Logger {
  if (shared) return shared;
  const level = process.env.RENDEZVOUS_LOG_LEVEL || 'info';
  if (!(level in pino.levels.values) && level !== 'silent') {
    throw new InvalidConfigError(`RENDEZVOUS_LOG_LEVEL=${JSON.stringify(level)} is not one of ${Object.keys(pino.levels.values).join(', ')}, silent`);
  }
  shared = pino({ name: 'rendezvous', level }, pino.destination(2));
  return shared;
}
