import { setTimeout as sleep } from 'node:timers/promises';

/** Retry delay after `failures` consecutive store failures: 50 ms doubling, capped at 2 s. */
export function retryDelayMs(failures: number): number {
  return Math.min(2_000, 50 * 2 ** Math.min(failures, 6));
}

/** Waits before a retry; an abort ends the pause at once (and leaves no timer). */
export async function pauseBeforeRetry(failures: number, signal: AbortSignal): Promise<void> {
  await sleep(retryDelayMs(failures), undefined, { signal }).catch(() => undefined);
}
