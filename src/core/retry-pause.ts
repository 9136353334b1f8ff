import { setTimeout as sleep } from 'node:timers/promises';
import type { StoreBreaker } from '../store/store-breaker.js';

/** Retry delay after `failures` consecutive store failures: 50 ms doubling, capped at 2 s. */
export function retryDelayMs(failures: number): number {
  return Math.min(2_000, 50 * 2 ** Math.min(failures, 6));
}

/**
 * Waits before a retry; an abort ends the pause at once (and leaves no timer). So does the store's
 * circuit breaker closing: the store answers again, and what waited through the outage goes on now
 * rather than at the end of a pause that grew while it lasted.
 */
export async function pauseBeforeRetry(failures: number, signal: AbortSignal, breaker?: Pick<StoreBreaker, 'onStateChange'>): Promise<void> {
  const back = new AbortController();
  const stopListening = breaker?.onStateChange((change) => {
    if (change.state === 'closed') back.abort();
  });
  try {
    await sleep(retryDelayMs(failures), undefined, { signal: breaker ? AbortSignal.any([signal, back.signal]) : signal }).catch(() => undefined);
  } finally {
    stopListening?.();
  }
}
