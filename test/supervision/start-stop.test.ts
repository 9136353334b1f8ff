import assert from 'node:assert/strict';
import { setImmediate } from 'node:timers/promises';
import { test } from 'node:test';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { GlobalCoordinator } from '../../src/supervision/global-coordinator.js';
import { holdOneCall } from '../support/held-store.js';
import { SECRET } from '../support/coordinators.js';
import { recordingLogger } from '../support/recording-logger.js';

/** A worker heartbeat landing after stop() removed the worker would list a stopped worker until it times out. */
test('stop() lets a worker heartbeat in flight land, then removes the worker from the list', async () => {
  const memory = new MemoryStore();
  const { store, held, release } = holdOneCall(memory, 'touchWorker', 1); // the first is start()'s
  const gc = new GlobalCoordinator({ secret: SECRET, store, namespace: 'workers', leaseTimeoutMs: 600, heartbeatIntervalMs: 10, workerTimeoutMs: 60_000, logger: recordingLogger() });
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
  const gc = new GlobalCoordinator({ secret: SECRET, store, namespace: 'first-beat', leaseTimeoutMs: 600, heartbeatIntervalMs: 10_000, workerTimeoutMs: 60_000, logger: recordingLogger() });
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
  const gc = new GlobalCoordinator({ secret: SECRET, store, namespace: 'restart', leaseTimeoutMs: 600, heartbeatIntervalMs: 10_000, workerTimeoutMs: 60_000, logger: recordingLogger() });
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

test('stop(), start(), stop() in a row: the last call wins, the worker is stopped and holds nothing', async () => {
  const memory = new MemoryStore();
  const gc = new GlobalCoordinator({ secret: SECRET, store: memory, namespace: 'in-a-row', leaseTimeoutMs: 600, heartbeatIntervalMs: 10_000, workerTimeoutMs: 60_000, logger: recordingLogger() });
  try {
    await gc.start();
    const calls = [gc.stop(), gc.start(), gc.stop()];
    assert.equal(gc.isRunning, false, 'isRunning follows the last call');
    await Promise.all(calls);
    assert.equal(gc.isRunning, false);
    assert.equal(gc.isLeader(), false);
    assert.equal(await gc.getLeader(), null, 'no lease held');
    assert.deepEqual(await memory.listWorkers('in-a-row', 60_000), [], 'not listed');
  } finally {
    await gc.stop();
    await memory.close();
  }
});

test('stop() during start()\'s first election waits for it and gives the lease back; a start() after it runs one election loop', async () => {
  const memory = new MemoryStore();
  const { store, held, release } = holdOneCall(memory, 'acquireLease');
  let reading = 0;
  let mostReading = 0;
  const counted = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (property !== 'readLeaseEvents' || typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        mostReading = Math.max(mostReading, ++reading);
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>)(...args);
        } finally {
          reading -= 1;
        }
      };
    },
  });
  const gc = new GlobalCoordinator({ secret: SECRET, store: counted, namespace: 'first-election', leaseTimeoutMs: 600, heartbeatIntervalMs: 10_000, workerTimeoutMs: 60_000, logger: recordingLogger() });
  try {
    const first = gc.start();
    await held; // its first acquireLease is in flight
    let stopped = false;
    const stopping = gc.stop().then(() => (stopped = true));
    await setImmediate();
    assert.equal(stopped, false, 'stop waits for the election in flight');
    const again = gc.start();
    release();
    await Promise.all([first, stopping, again]);
    await setImmediate();
    assert.equal(gc.isLeader(), true, 'the second start leads');
    assert.equal(gc.getEpoch(), 2, 'the first term was given back');
    assert.equal(mostReading, 1, 'one election loop reads the events');
  } finally {
    release();
    await gc.stop();
    await memory.close();
  }
});
