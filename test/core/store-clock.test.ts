import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { StoreClock, monotonicClock, type LocalClock } from '../../src/core/store-clock.js';
import type { Store } from '../../src/store/port.js';

const STORE_NOW = 1_700_000_000_000;
const TEN_MINUTES = 10 * 60_000;

/** A store clock source that reads `time()` and counts the calls (StoreClock needs nothing else). */
function fakeStore(time: () => number): Pick<Store, 'time'> & { calls: number } {
  const store = {
    calls: 0,
    time: async () => {
      store.calls++;
      return time();
    },
  };
  return store;
}

/** A local clock that reads `base + skew` and advances `step` ms per reading, like a real clock would. */
function steppingClock(base: number, step = 1): LocalClock & { advance(ms: number): void } {
  let now = base;
  const clock = (() => {
    const value = now;
    now += step;
    return value;
  }) as LocalClock & { advance(ms: number): void };
  clock.advance = (ms) => {
    now += ms;
  };
  return clock;
}

describe('StoreClock.now', () => {
  for (const [label, skew] of [
    ['10 minutes ahead', TEN_MINUTES],
    ['10 minutes behind', -TEN_MINUTES],
    ['in step', 0],
    ['a day ahead', 86_400_000],
  ] as const) {
    test(`with a local clock ${label}, now() is within a few ms of the store time`, async () => {
      const local = steppingClock(STORE_NOW + skew);
      const clock = new StoreClock(local);
      const store = fakeStore(() => STORE_NOW);
      await clock.sync(store);
      assert.equal(store.calls, 1);
      const now = clock.now();
      assert.ok(Math.abs(now - STORE_NOW) <= 5, `now ${now} vs store ${STORE_NOW} (diff ${now - STORE_NOW})`);
      assert.ok(Number.isInteger(now));
    });
  }

  test('with a frozen skewed local clock, now() equals the store time exactly', async () => {
    for (const skew of [TEN_MINUTES, -TEN_MINUTES]) {
      const clock = new StoreClock(() => STORE_NOW + skew);
      await clock.sync(fakeStore(() => STORE_NOW));
      assert.equal(clock.now(), STORE_NOW);
    }
  });

  test('the offset is measured halfway through the round trip', async () => {
    // local reads 1000 before the call and 1100 after it (100 ms round trip), the store said 5000
    const readings = [1000, 1100, 1100];
    const clock = new StoreClock(() => readings.shift() ?? 1100);
    await clock.sync(fakeStore(() => 5000));
    // offset = 5000 - 1050 = 3950; at local 1100 the store clock reads 5050
    assert.equal(clock.now(), 5050);
  });

  test('now() advances with the local clock after a sync', async () => {
    const local = steppingClock(STORE_NOW - TEN_MINUTES, 0);
    const clock = new StoreClock(local);
    await clock.sync(fakeStore(() => STORE_NOW));
    assert.equal(clock.now(), STORE_NOW);
    local.advance(1234);
    assert.equal(clock.now(), STORE_NOW + 1234);
  });

  test('a re-sync corrects a local clock that jumped', async () => {
    const local = steppingClock(STORE_NOW, 0);
    const clock = new StoreClock(local);
    await clock.sync(fakeStore(() => STORE_NOW));
    local.advance(TEN_MINUTES); // the local clock jumps; the store clock advanced only 1 s
    assert.equal(clock.now(), STORE_NOW + TEN_MINUTES);
    await clock.sync(fakeStore(() => STORE_NOW + 1000));
    assert.equal(clock.now(), STORE_NOW + 1000);
  });

  test('before any sync, now() is the local clock', () => {
    const clock = new StoreClock(() => 4242);
    assert.equal(clock.now(), 4242);
  });

  test('a failing store.time() rejects sync and leaves the offset unchanged', async () => {
    const clock = new StoreClock(() => 10_000);
    await clock.sync(fakeStore(() => 20_000));
    assert.equal(clock.now(), 20_000);
    await assert.rejects(
      clock.sync(
        fakeStore(() => {
          throw new Error('store down');
        }),
      ),
      /store down/,
    );
    assert.equal(clock.now(), 20_000);
  });

  test('the default local clock is wall-clock-like and monotonic', () => {
    const a = monotonicClock();
    const b = monotonicClock();
    assert.ok(b >= a);
    assert.ok(Math.abs(a - Date.now()) < 60_000);
    const clock = new StoreClock();
    assert.ok(Math.abs(clock.now() - Date.now()) < 60_000);
  });
});

describe('StoreClock.isStale', () => {
  test('is stale before the first sync, whatever the interval', () => {
    const clock = new StoreClock(() => 0);
    assert.equal(clock.isStale(1), true);
    assert.equal(clock.isStale(60_000), true);
    assert.equal(clock.isStale(Number.MAX_SAFE_INTEGER), true);
  });

  test('is fresh right after a sync for a long interval', async () => {
    const clock = new StoreClock(() => 0);
    await clock.sync(fakeStore(() => STORE_NOW));
    assert.equal(clock.isStale(60_000), false);
    assert.equal(clock.isStale(3_600_000), false);
  });

  test('is stale after a sync for a zero interval (age >= interval)', async () => {
    const clock = new StoreClock(() => 0);
    await clock.sync(fakeStore(() => STORE_NOW));
    assert.equal(clock.isStale(0), true);
  });

  test('is measured monotonically, not by the injected (possibly skewed) local clock', async () => {
    const local = steppingClock(STORE_NOW, 0);
    const clock = new StoreClock(local);
    await clock.sync(fakeStore(() => STORE_NOW));
    local.advance(TEN_MINUTES); // the skewed local clock jumps ten minutes
    assert.equal(clock.isStale(60_000), false);
  });

  test('a failed sync does not make the clock fresh', async () => {
    const clock = new StoreClock(() => 0);
    await assert.rejects(
      clock.sync(
        fakeStore(() => {
          throw new Error('down');
        }),
      ),
    );
    assert.equal(clock.isStale(60_000), true);
  });
});

describe('StoreClock.sync shares a reading per store', () => {
  test('clocks on the default local clock syncing together against one store send one TIME', async () => {
    const store = fakeStore(() => STORE_NOW);
    const clocks = Array.from({ length: 100 }, () => new StoreClock());
    await Promise.all(clocks.map((clock) => clock.sync(store)));
    assert.equal(store.calls, 1);
    const nows = clocks.map((clock) => clock.now());
    assert.ok(Math.max(...nows) - Math.min(...nows) <= 50, `the shared offset gives readings within 50 ms: ${Math.min(...nows)}..${Math.max(...nows)}`);
    assert.ok(clocks.every((clock) => !clock.isStale(60_000)));
  });

  test('a sync just after another one reuses its reading', async () => {
    const store = fakeStore(() => STORE_NOW);
    await new StoreClock().sync(store);
    await new StoreClock().sync(store);
    assert.equal(store.calls, 1);
  });

  test('two stores are read separately', async () => {
    const a = fakeStore(() => STORE_NOW);
    const b = fakeStore(() => STORE_NOW + TEN_MINUTES);
    const clockA = new StoreClock();
    const clockB = new StoreClock();
    await Promise.all([clockA.sync(a), clockB.sync(b)]);
    assert.equal(a.calls, 1);
    assert.equal(b.calls, 1);
    assert.ok(clockB.now() - clockA.now() > TEN_MINUTES - 1_000, 'each clock has its own store\'s offset');
  });

  test('a failed reading is not kept: the next sync reads again', async () => {
    let fail = true;
    const store = fakeStore(() => {
      if (fail) throw new Error('store down');
      return STORE_NOW;
    });
    await assert.rejects(new StoreClock().sync(store), /store down/);
    fail = false;
    const clock = new StoreClock();
    await clock.sync(store);
    assert.equal(store.calls, 2);
    assert.equal(clock.isStale(60_000), false);
  });

  test('clocks on an injected local clock read for themselves', async () => {
    const store = fakeStore(() => STORE_NOW);
    const local = steppingClock(STORE_NOW + TEN_MINUTES);
    await Promise.all([new StoreClock(local).sync(store), new StoreClock(local).sync(store)]);
    assert.equal(store.calls, 2);
  });
});
