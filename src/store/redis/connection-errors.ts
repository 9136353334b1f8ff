import type { Logger } from '../../protocol/logger.js';
import { redactError } from '../../protocol/redact.js';
import type { RedisClient } from './lua-script.js';

const REPEAT_AFTER_MS = 10_000;

/**
 * Routes a connection's 'error' events to the logger (ioredis prints them to the console when
 * nobody listens), once per distinct message (numbers aside: a Sentinel client's names its growing
 * retry delay) and then at most every 10 s: a Redis outage is one line a reconnection cycle, not
 * a flood. Logged redacted: a failed AUTH's error carries the password in `command.args`.
 */
export function logConnectionErrors(client: RedisClient, logger: Logger, role: string): void {
  let last = '';
  let lastAt = 0;
  client.on('error', (error: Error) => {
    const now = performance.now();
    const kind = error.message.replace(/\d+/g, '#');
    if (kind === last && now - lastAt < REPEAT_AFTER_MS) return;
    last = kind;
    lastAt = now;
    logger.warn({ err: redactError(error), role }, 'Redis connection error; ioredis is reconnecting');
  });
}
