import assert from 'node:assert/strict';
import { once } from 'node:events';
import { setImmediate } from 'node:timers/promises';
import { test } from 'node:test';
import type { BlockingCoordinator } from '../../src/core/coordinator.js';
import { HeartbeatPump } from '../../src/core/heartbeat-pump.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import type { HeartbeatWrite, Store } from '../../src/store/port.js';
import { Coordinators, FAST, uniqueSwarm } from '../support/coordinators.js';

/** A store whose beats are recorded (who, and how many were in flight at once) and can be held at a gate. */
function watchedBeats(store: Store): { store: Store; beaten: string[]; maxInFlight(): number; hold(): { held: Promise<void>; open(): void } } {
  const beaten: string[] = [];
  let inFlight = 0;
  let max = 0;
  let gate: Promise<void> | undefined;
  let arrived: (() => void) | undefined;
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const bound = (value as (...a: unknown[]) => unknown).bind(target);
      if (property !== 'beat') return bound;
      return async (write: HeartbeatWrite) => {
        inFlight += 1;
        max = Math.max(max, inFlight);
        try {
          await setImmediate(); // in flight across a turn, as a write to Redis is
          arrived?.();
          await gate;
          beaten.push(write.coordinatorId);
          return await bound(write);
        } finally {
          inFlight -= 1;
        }
      };
    },
  });
  const hold = (): { held: Promise<void>; open(): void } => {
    let release!: () => void;
    gate = new Promise((resolve) => (release = resolve));
    const held = new Promise<void>((resolve) => (arrived = resolve));
    return {
      held,
      open: () => {
        gate = undefined;
        arrived = undefined;
        release();
      },
    };
  };
  return { store: proxy, beaten, maxInFlight: () => max, hold };
}

/** Resolves once each coordinator has beaten `times` more times (the pump's beats; the registering one is before start() resolves). */
function beatsOf(coordinators: BlockingCoordinator[], times: number): Promise<void> {
  return Promise.all(
    coordinators.map(async (coordinator) => {
      for (let i = 0; i < times; i += 1) await once(coordinator, 'heartbeat');
    }),
  ).then(() => undefined);
}

test('a fleet on one store beats a chunk at a time: every coordinator beats, at most 64 beats in flight', async () => {
  const memory = new MemoryStore();
  const watched = watchedBeats(memory);
  const c = new Coordinators(() => watched.store, uniqueSwarm('pump'));
  try {
    const fleet = await Promise.all(Array.from({ length: 150 }, (_, i) => c.start(`pumped-${i}`)));
    await beatsOf(fleet, 2);
    assert.ok(watched.maxInFlight() <= 64, `${watched.maxInFlight()} beats in flight at once`);
    assert.ok(watched.maxInFlight() > 1, 'a chunk is written together, not one beat after another');
    for (const coordinator of fleet) assert.ok(watched.beaten.includes(coordinator.id), `${coordinator.id} beat`);
  } finally {
    await c.shutdownAll();
    await memory.close();
  }
});

test('a coordinator stopped before its chunk is reached is not beaten; the rest of the round is', async () => {
  const memory = new MemoryStore();
  const watched = watchedBeats(memory);
  const c = new Coordinators(() => watched.store, uniqueSwarm('pump-leave'));
  try {
    // Started one after another: the pump beats its members in the order they joined.
    const fleet: BlockingCoordinator[] = [];
    for (let i = 0; i < 100; i += 1) fleet.push(await c.start(`leaving-${i}`));
    await once(fleet[99]!, 'heartbeat'); // the end of a round: the next beat to arrive is the next round's first chunk's
    const since = watched.beaten.length;
    const { held, open } = watched.hold();
    await held;
    await fleet[80]!.stop(); // in the second chunk, not yet under way
    open();
    await once(fleet[99]!, 'heartbeat');
    const round = watched.beaten.slice(since);
    assert.ok(round.includes('leaving-0') && round.includes('leaving-99'), 'both chunks beat');
    assert.ok(!round.includes('leaving-80'), 'the stopped coordinator was not beaten');
  } finally {
    await c.shutdownAll();
    await memory.close();
  }
});

test('the pump of a store and interval is forgotten once its last coordinator stops: none is kept, no timer left', async () => {
  const memory = new MemoryStore();
  const c = new Coordinators(() => memory, uniqueSwarm('pump-forget'));
  try {
    const [a, b] = await Promise.all([c.start('forget-a'), c.start('forget-b')]);
    const pump = HeartbeatPump.of(memory, FAST.heartbeatIntervalMs);
    assert.equal(HeartbeatPump.of(memory, FAST.heartbeatIntervalMs), pump, 'one pump per store and interval');
    assert.notEqual(HeartbeatPump.of(memory, FAST.heartbeatIntervalMs + 1), pump, 'another interval, another pump');
    await a!.stop();
    await beatsOf([b!], 2);
    assert.equal(HeartbeatPump.of(memory, FAST.heartbeatIntervalMs), pump, 'kept while a member beats');
    await b!.stop();
    assert.notEqual(HeartbeatPump.of(memory, FAST.heartbeatIntervalMs), pump, 'forgotten once empty');
  } finally {
    await c.shutdownAll();
    await memory.close();
  }
});
