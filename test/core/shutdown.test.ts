import assert from 'node:assert/strict';
import { setImmediate } from 'node:timers/promises';
import { test } from 'node:test';
import { CoordinatorStoppedError } from '../../src/protocol/errors.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { Coordinators, uniqueSwarm } from '../support/coordinators.js';
import { holdOneCall } from '../support/held-store.js';
import { spyStore } from '../support/spy-store.js';

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
    const shuttingDown = coordinator.stop().then(() => (shutDown = true));
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

/**
 * A catch-up asks the store, one entry after another, whether signals an earlier instance may have
 * handled were acknowledged. A shutdown must not wait for all of them (a frozen store makes each
 * call last its whole deadline): it ends the catch-up at the next entry, and loses nothing.
 */
test('shutdown during initialize ends its catch-up at the next entry; the signals stay for the next instance', async () => {
  const memory = new MemoryStore();
  const { store, held, release } = holdOneCall(memory, 'readAck');
  const spied = spyStore(store);
  const swarm = uniqueSwarm('catchup');
  const c = new Coordinators(() => spied.store, swarm);
  try {
    const owner = await c.start('owner');
    const sent = [];
    for (let i = 0; i < 5; i++) sent.push((await owner.sendSignal('late', 'validate', { payload: i })).messageId);
    // An instance whose id has signals stamped before it started: each is checked in the store.
    const late = c.make('late');
    const initializing = late.start();
    await held;
    const shuttingDown = late.stop();
    release();
    await assert.rejects(initializing, CoordinatorStoppedError);
    await shuttingDown;
    assert.equal(spied.calls.filter((name) => name === 'readAck').length, 1, 'the catch-up stopped after the entry in progress');

    const next = await c.start('late');
    const got = [];
    for (let i = 0; i < 5; i++) got.push((await next.blockUntilSignal({ timeoutMs: 1_000 })).messageId);
    assert.deepEqual(got, sent, 'every signal is delivered to the next instance, in order');
  } finally {
    release();
    await c.shutdownAll();
    await memory.close();
  }
});

test('shutdown while initialize() registers: initialize rejects, and the coordinator is left unregistered', async () => {
  const memory = new MemoryStore();
  const { store, held, release } = holdOneCall(memory, 'register');
  const swarm = uniqueSwarm('register');
  const c = new Coordinators(() => store, swarm);
  try {
    const coordinator = c.make('coord-brief');
    const initializing = coordinator.start();
    await held;
    const shuttingDown = coordinator.stop();
    release();
    await assert.rejects(initializing, CoordinatorStoppedError);
    await shuttingDown;
    assert.equal(coordinator.isRunning, false);
    assert.deepEqual(await store.listRegistry(swarm), [], 'not in the registry');
  } finally {
    release();
    await c.shutdownAll();
    await memory.close();
  }
});
