/**
 * The pause of a loop that retries store operations: it ends early when the store's circuit
 * breaker closes (the store answers again), and its failures while the breaker is open are not
 * warnings (the breaker said it once).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pauseBeforeRetry, retryDelayMs } from '../../src/core/retry-pause.js';
import { StoreCircuitOpenError, StoreUnavailableError } from '../../src/protocol/errors.js';
import type { BreakerStateChange, StoreBreaker } from '../../src/store/store-breaker.js';
import { logStoreFailure } from '../../src/store/store-failure-log.js';
import { recordingLogger } from '../support/recording-logger.js';

/** Enough of a breaker to tell its listeners of a change. */
function fakeBreaker(): Pick<StoreBreaker, 'onStateChange'> & { listeners: Set<(change: BreakerStateChange) => void>; move(state: BreakerStateChange['state']): void } {
  const listeners = new Set<(change: BreakerStateChange) => void>();
  return {
    listeners,
    onStateChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    move(state) {
      for (const listener of [...listeners]) listener({ state, previous: 'open', at: Date.now() });
    },
  };
}

test('a pause ends when the breaker closes, not when it goes half-open; it leaves no listener behind', async () => {
  assert.equal(retryDelayMs(10), 2_000);
  const breaker = fakeBreaker();
  const begun = performance.now();
  const pausing = pauseBeforeRetry(10, new AbortController().signal, breaker);
  assert.equal(breaker.listeners.size, 1);
  breaker.move('half-open');
  setTimeout(() => breaker.move('closed'), 50);
  await pausing;
  const tookMs = performance.now() - begun;
  assert.ok(tookMs >= 45 && tookMs < 1_000, `the 2 s pause ended after ${tookMs.toFixed(0)} ms, when the breaker closed`);
  assert.equal(breaker.listeners.size, 0);
});

test('a pause still ends at its delay, or at once on abort, with a breaker that does not move', async () => {
  const breaker = fakeBreaker();
  let begun = performance.now();
  await pauseBeforeRetry(0, new AbortController().signal, breaker);
  assert.ok(performance.now() - begun >= retryDelayMs(0) - 5);
  const stop = new AbortController();
  begun = performance.now();
  const pausing = pauseBeforeRetry(10, stop.signal, breaker);
  stop.abort();
  await pausing;
  assert.ok(performance.now() - begun < 1_000);
  assert.equal(breaker.listeners.size, 0);
});

test('a retried failure is a warning, except while the breaker is open: then a debug line', () => {
  const logger = recordingLogger();
  logStoreFailure(logger, { err: new StoreUnavailableError('beat', new Error('ECONNREFUSED')) }, 'heartbeat failed');
  logStoreFailure(logger, { err: new StoreCircuitOpenError('beat', Date.now(), 500), failures: 3 }, 'heartbeat failed');
  assert.deepEqual(
    logger.records.map((r) => [r.level, r.msg, r.fields.failures]),
    [
      ['warn', 'heartbeat failed', undefined],
      ['debug', 'heartbeat failed', 3],
    ],
  );
});
