import assert from 'node:assert/strict';
import { setImmediate } from 'node:timers/promises';
import { test } from 'node:test';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { GlobalCoordinator } from '../../src/supervision/global-coordinator.js';
import { holdOneCall } from '../support/held-store.js';
import { recordingLogger } from '../support/recording-logger.js';

/** A worker heartbeat landing after stop() removed the worker would list a stopped worker until it times out. */
test('stop() lets a worker heartbeat in flight land, then removes the worker from the list', async () => {
  const memory = new MemoryStore();
  const { store, held, release } = holdOneCall(memory, 'touchWorker', 1); // the first is start()'s
  const gc = new GlobalCoordinator(store, 'workers', { leaseTimeout: 600, heartbeatInterval: 10, workerTimeout: 60_000, logger: recordingLogger() });
  try {
    await gc.start();
    await held;
    let stopped = false;
    const stopping = gc.stop().then(() => (stopped = true));
    await setImmediate();
    assert.equal(stopped, false, 'stop waits for the heartbeat being written');
    release();
    await stopping;
    assert.deepEqual(await store.listWorkers('workers', 60_000), [], 'the stopped worker is not listed');
  } finally {
    release();
    await gc.stop();
    await memory.close();
  }
});

test('stop() during start() lets its first worker heartbeat land, then removes the worker', async () => {
  const memory = new MemoryStore();
  const { store, held, release } = holdOneCall(memory, 'touchWorker'); // start()'s own
  const gc = new GlobalCoordinator(store, 'first-beat', { leaseTimeout: 600, heartbeatInterval: 10_000, workerTimeout: 60_000, logger: recordingLogger() });
  try {
    const starting = gc.start();
    await held;
    const stopping = gc.stop();
    await setImmediate(); // stop() goes as far as it can while the heartbeat is held
    release();
    await Promise.all([starting, stopping]);
    assert.deepEqual(await store.listWorkers('first-beat', 60_000), [], 'the stopped worker is not listed');
    assert.equal(await gc.getLeader(), null, 'and holds no lease');
  } finally {
    release();
    await gc.stop();
    await memory.close();
  }
});

test('start() called while stop() is in progress runs after it: the worker is listed again', async () => {
  const memory = new MemoryStore();
  const { store, held, release } = holdOneCall(memory, 'removeWorker');
  const gc = new GlobalCoordinator(store, 'restart', { leaseTimeout: 600, heartbeatInterval: 10_000, workerTimeout: 60_000, logger: recordingLogger() });
  try {
    await gc.start();
    const stopping = gc.stop();
    await held;
    const starting = gc.start();
    release();
    await Promise.all([stopping, starting]);
    assert.equal(gc.isRunning, true);
    assert.deepEqual((await store.listWorkers('restart', 60_000)).map((w) => w.workerId), [gc.workerId], 'listed by the new start');
    assert.equal(await gc.getLeader(), gc.workerId, 'and it leads again');
  } finally {
    release();
    await gc.stop();
    await memory.close();
  }
});
