import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Lifecycle } from '../../src/supervision/lifecycle.js';

/** A lifecycle whose runs and halts are held until released, recording what ran. */
function held() {
  const log: string[] = [];
  const pending: (() => void)[] = [];
  const hold = () => new Promise<void>((resolve) => pending.push(resolve));
  const lifecycle = new Lifecycle({
    run: async (generation) => {
      log.push(`run ${generation}`);
      await hold();
      log.push(`ran ${generation} current=${lifecycle.isCurrent(generation)}`);
    },
    halt: async (starting) => {
      log.push('halt');
      await starting;
      await hold();
      log.push('halted');
    },
    alreadyRunning: () => log.push('already running'),
  });
  /** Releases what is held, one step at a time, until `promise` has settled. */
  const releaseUntil = async (promise: Promise<unknown>) => {
    let settled = false;
    void promise.finally(() => (settled = true));
    while (!settled) {
      pending.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { lifecycle, log, releaseUntil };
}

test('a stop during a start lets the halt wait for it; the run sees it is no longer current', async () => {
  const { lifecycle, log, releaseUntil } = held();
  const starting = lifecycle.start();
  const stopping = lifecycle.stop();
  assert.equal(lifecycle.wanted, false);
  await releaseUntil(Promise.all([starting, stopping]));
  assert.deepEqual(log, ['run 1', 'halt', 'ran 1 current=false', 'halted']);
});

test('a start during a stop runs after it; of calls in a row the last wins', async () => {
  const { lifecycle, log, releaseUntil } = held();
  await releaseUntil(lifecycle.start());
  const calls = [lifecycle.stop(), lifecycle.start(), lifecycle.stop(), lifecycle.start()];
  assert.equal(lifecycle.wanted, true, 'follows the last call at once');
  await releaseUntil(Promise.all(calls));
  assert.deepEqual(log, ['run 1', 'ran 1 current=true', 'halt', 'halted', 'run 3', 'already running', 'ran 3 current=true'], 'one halt, then one run (the other start joins it)');
  await lifecycle.start();
  assert.equal(log.at(-1), 'already running');
  const stops = [lifecycle.stop(), lifecycle.stop()];
  assert.equal(stops[0], stops[1], 'a second stop returns the one in progress');
  await releaseUntil(Promise.all(stops));
});
