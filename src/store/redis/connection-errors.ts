import type { Logger } from '../../protocol/logger.js';
import type { RedisClient } from './lua-script.js';

const REPEAT_AFTER_MS = 10_000;

/**
 * Routes a connection's 'error' events to the logger (ioredis prints them to the console when
 * nobody listens), once per distinct message and then at most every 10 s: a Redis outage is
 * one line a reconnection cycle, not a flood.
 */
export function logConnectionErrors(client: RedisClient, logger: Logger, role: string): void {
  let last = '';
  let lastAt = 0;
  client.on('error', (error: Error) => {
    const now = performance.now();
    if (error.message === last && now - lastAt < REPEAT_AFTER_MS) return;
    last = error.message;
    lastAt = now;
    logger.warn({ err: error, role }, 'Redis connection error; ioredis is reconnecting');
  });
}
