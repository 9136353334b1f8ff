import { StoreCircuitOpenError } from '../protocol/errors.js';
import type { Logger } from '../protocol/logger.js';

/**
 * Logs a failed store operation of a loop that retries (a heartbeat, a catch-up read, an election
 * cycle): a warning, except while the store's circuit breaker is open. The breaker logged the
 * outage when it opened, and a retry that fails at once would be one more line each time.
 */
export function logStoreFailure(logger: Logger, fields: { err: unknown } & Record<string, unknown>, message: string): void {
  if (fields.err instanceof StoreCircuitOpenError) logger.debug(fields, message);
  else logger.warn(fields, message);
}
