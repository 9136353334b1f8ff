import assert from 'node:assert/strict';
import { setImmediate } from 'node:timers/promises';
import { test } from 'node:test';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { Coordinators, uniqueSwarm } from '../support/coordinators.js';
import { holdOneCall } from '../support/held-store.js';

/**
 * A beat still being written when shutdown() runs must land before the deregistration: landing
 * after it would put a stopped coordinator back in the registry, where a supervisor later finds it
 * silent and replaces it.
 */
test('shutdown waits for a heartbeat in flight: the stopped coordinator stays out of the registry', async () => {
  const memory = new MemoryStore();
  const { store, held, release } = holdOneCall(memory, 'beat');
  const swarm = uniqueSwarm('beat');
  const c = new Coordinators(() => store, swarm);
  try {
    const coordinator = await c.start('coord-leaving', { heartbeatIntervalMs: 10 });
    await held;
    let shutDown = false;
    const shuttingDown = coordinator.shutdown().then(() => (shutDown = true));
    await setImmediate();
    assert.equal(shutDown, false, 'shutdown waits for the beat being written');
    release();
    await shuttingDown;
    assert.deepEqual(await store.listRegistry(swarm), [], 'not in the registry');
    assert.equal(await store.getHeartbeat('coord-leaving'), null, 'no heartbeat key');
  } finally {
    release();
    await c.shutdownAll();
    await memory.close();
  }
});
