import assert from 'node:assert/strict';
import { setImmediate } from 'node:timers/promises';
import { test } from 'node:test';
import { BlockingCoordinator } from '../../src/core/coordinator.js';
import { CoordinatorStoppedError } from '../../src/protocol/errors.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import type { HeartbeatWrite, InboxRef, Store } from '../../src/store/port.js';
import { Coordinators, FAST, uniqueSwarm } from '../support/coordinators.js';

/**
 * A store that records the starts under way (from a coordinator's ensureInbox until its
 * registration lands), and can hold every ensureInbox at a gate.
 */
function watchedStarts(store: Store): { store: Store; started: string[]; maxUnderWay(): number; hold(): () => void } {
  const underWay = new Set<string>();
  const started: string[] = [];
  let max = 0;
  let gate: Promise<void> | undefined;
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const bound = (value as (...a: unknown[]) => Promise<unknown>).bind(target);
      if (property === 'ensureInbox') {
        return async (ref: InboxRef, ttlMs: number) => {
          underWay.add(ref.coordinatorId);
          started.push(ref.coordinatorId);
          max = Math.max(max, underWay.size);
          await setImmediate(); // under way across a turn, as a call to Redis is
          await gate;
          return bound(ref, ttlMs);
        };
      }
      if (property === 'register') {
        return async (write: HeartbeatWrite) => {
          try {
            return await bound(write);
          } finally {
            underWay.delete(write.coordinatorId);
          }
        };
      }
      return bound;
    },
  });
  const hold = (): (() => void) => {
    let release!: () => void;
    gate = new Promise((resolve) => (release = resolve));
    return () => {
      gate = undefined;
      release();
    };
  };
  return { store: proxy, started, maxUnderWay: () => max, hold };
}

test('a fleet started together starts at most 64 at a time on one store: every coordinator starts and registers', async () => {
  const memory = new MemoryStore();
  const watched = watchedStarts(memory);
  const c = new Coordinators(() => watched.store, uniqueSwarm('gate'));
  try {
    const fleet = await Promise.all(Array.from({ length: 150 }, (_, i) => c.start(`gated-${i}`)));
    assert.equal(watched.started.length, 150, 'every coordinator started once');
    assert.ok(watched.maxUnderWay() <= 64, `${watched.maxUnderWay()} starts under way at once`);
    assert.ok(watched.maxUnderWay() > 1, 'starts overlap');
    assert.equal((await memory.listRegistry(fleet[0]!.swarmId)).length, 150);
  } finally {
    await c.shutdownAll();
    await memory.close();
  }
});

test('a coordinator stopped while it waits its turn to start ends with CoordinatorStoppedError and never touches the store', async () => {
  const memory = new MemoryStore();
  const watched = watchedStarts(memory);
  const swarmId = uniqueSwarm('gate-stop');
  const make = (id: string) => new BlockingCoordinator({ id, swarmId, store: watched.store, secret: 'start-gate-test-secret-0123456789', ...FAST });
  const open = watched.hold();
  const first = Array.from({ length: 64 }, (_, i) => make(`holding-${i}`));
  const late = make('late');
  try {
    const starting = first.map((coordinator) => coordinator.start());
    const lateStart = late.start();
    await setImmediate();
    await setImmediate();
    assert.equal(watched.started.length, 64, 'the 64 under way are held; the 65th waits its turn');
    await late.stop();
    await assert.rejects(lateStart, CoordinatorStoppedError);
    open();
    await Promise.all(starting);
    assert.ok(!watched.started.includes('late'), 'the stopped coordinator never reached the store');
    assert.deepEqual((await memory.listRegistry(swarmId)).map((entry) => entry.coordinatorId).sort(), first.map((c) => c.id).sort());
  } finally {
    open();
    await Promise.allSettled([...first, late].map((coordinator) => coordinator.stop()));
    await memory.close();
  }
});
