import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import type { Store } from '../../src/store/port.js';
import { Coordinators, uniqueSwarm } from '../support/coordinators.js';

/**
 * A beat still being written when shutdown() runs must land before the deregistration: landing
 * after it would put a stopped coordinator back in the registry, where a supervisor later finds it
 * silent and replaces it.
 */
test('shutdown waits for a heartbeat in flight: the stopped coordinator stays out of the registry', async () => {
  const memory = new MemoryStore();
  let held: (() => void) | undefined;
  let beatHeld!: () => void;
  const beatInFlight = new Promise<void>((resolve) => (beatHeld = resolve));
  const store = new Proxy(memory, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (property !== 'beat' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
      return async (...args: unknown[]) => {
        if (!held) {
          await new Promise<void>((resolve) => {
            held = resolve;
            beatHeld();
          });
        }
        return (value as (...a: unknown[]) => Promise<void>).apply(target, args);
      };
    },
  }) as Store;
  const swarm = uniqueSwarm('beat');
  const c = new Coordinators(() => store, swarm);
  try {
    const coordinator = await c.start('coord-leaving', { heartbeatIntervalMs: 10 });
    await beatInFlight;
    let shutDown = false;
    const shuttingDown = coordinator.shutdown().then(() => (shutDown = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(shutDown, false, 'shutdown waits for the beat being written');
    held!();
    await shuttingDown;
    assert.deepEqual(await store.listRegistry(swarm), [], 'not in the registry');
    assert.equal(await store.getHeartbeat('coord-leaving'), null, 'no heartbeat key');
  } finally {
    await c.shutdownAll();
    await memory.close();
  }
});
