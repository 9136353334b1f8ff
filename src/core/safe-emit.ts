import type { Logger } from '../protocol/logger.js';

/**
 * Runs an emit whose listeners are the application's: a listener that throws is logged, and
 * never breaks the state machine that emitted (an inbox pump, an election, a heartbeat).
 */
export function emitSafely(logger: Logger, event: string, emit: () => void): void {
  try {
    emit();
  } catch (error) {
    logger.error({ err: error, event }, 'an event listener threw; ignored');
  }
}
