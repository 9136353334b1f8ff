import { pino } from 'pino';
import type { Logger } from '../protocol/logger.js';

let shared: Logger | undefined;

/** The default logger: pino JSON on stderr, level from RENDEZVOUS_LOG_LEVEL (default info); one per process. */
export function defaultLogger(): Logger {
  shared ??= pino({ name: 'rendezvous', level: process.env.RENDEZVOUS_LOG_LEVEL ?? 'info' }, pino.destination(2));
  return shared;
}
