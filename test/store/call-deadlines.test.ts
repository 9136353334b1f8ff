import assert from 'node:assert/strict';
import { afterEach, mock, test } from 'node:test';
import { StoreUnavailableError } from '../../src/protocol/errors.js';
import { CallDeadlines } from '../../src/store/redis/call-deadlines.js';

afterEach(() => mock.restoreAll());

/** Resolves at the next clearInterval call (the sweep stopping), after letting it through. */
function nextClearInterval(): Promise<void> {
  const real = globalThis.clearInterval;
  return new Promise((resolve) => {
    const spy = mock.method(globalThis, 'clearInterval', (timer?: NodeJS.Timeout) => {
      real(timer);
      spy.mock.restore();
      resolve();
    });
  });
}

test('the deadline sweep runs only while operations are in flight, and starts again for the next one', async () => {
  const setIntervals = mock.method(globalThis, 'setInterval');
  const deadlines = new CallDeadlines(40); // a sweep every 10 ms
  const keepAlive = setTimeout(() => undefined, 10_000); // the sweep is unref'd: something must keep the loop alive meanwhile
  try {
    const stopped = nextClearInterval();
    assert.equal(await deadlines.call('first', () => Promise.resolve('done')), 'done');
    assert.equal(setIntervals.mock.callCount(), 1, 'the first call starts the sweep');
    await stopped; // its next run finds nothing in flight and stops
    const begun = performance.now();
    await assert.rejects(
      deadlines.call('stuck', () => new Promise<never>(() => undefined)),
      (error: unknown) => error instanceof StoreUnavailableError && /no answer within 40 ms/.test(String((error as Error).cause)),
    );
    assert.equal(setIntervals.mock.callCount(), 2, 'the call after the stop started the sweep again');
    assert.ok(performance.now() - begun >= 40, 'not failed before its deadline');
  } finally {
    clearTimeout(keepAlive);
    deadlines.close();
  }
});

test('an idle CallDeadlines has no sweep: constructing one starts no timer', () => {
  const setIntervals = mock.method(globalThis, 'setInterval');
  const deadlines = new CallDeadlines(10_000);
  assert.equal(setIntervals.mock.callCount(), 0);
  deadlines.close();
});
