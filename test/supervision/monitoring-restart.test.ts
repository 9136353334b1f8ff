import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { getGlobalCoordinator } from '../../src/supervision/global-coordinator-registry.js';
import { CoordinatorTimeoutHandler } from '../../src/supervision/timeout-handler.js';
import { SECRET, uniqueSwarm } from '../support/coordinators.js';
import { recordingLogger } from '../support/recording-logger.js';

/** stop() waits for the check in progress; a start() meanwhile must not be undone by it. */
test('the handler\'s start() called while its stop() is still in progress leaves it monitoring', { timeout: 10_000 }, async () => {
  const store = new MemoryStore();
  const swarm = uniqueSwarm('restart');
  const namespace = uniqueSwarm('sv');
  const old = (await store.time()) - 60_000;
  await store.register({ swarmId: swarm, coordinatorId: 'coord-silent', body: '{}', timestamp: old, ttlMs: 50, registryTtlMs: 600_000 });
  const handler = new CoordinatorTimeoutHandler({
    store,
    deadThresholdMs: 1_000,
    checkIntervalMs: 20,
    maxWarnings: 1_000, // it is warned at every check, never escalated
    namespace,
    election: { secret: SECRET, leaseTimeoutMs: 600, heartbeatIntervalMs: 100, workerTimeoutMs: 1_000 },
    logger: recordingLogger(),
  });
  try {
    await handler.start();
    await once(handler, 'coordinator:warning');
    const stopping = handler.stop();
    const restarting = handler.start();
    await stopping;
    const [warning] = await once(handler, 'coordinator:warning'); // checks go on
    await restarting;
    assert.equal(warning.coordinatorId, 'coord-silent');
    assert.equal(getGlobalCoordinator({ store, namespace }).isRunning, true, 'its election is running');
  } finally {
    await handler.stop();
    await store.close();
  }
  assert.equal(getGlobalCoordinator({ store, namespace }).isRunning, false, 'a final stop stops it');
});

test('the handler\'s start() resolves once it has joined the election; of stop(), start(), stop() in a row the last wins', { timeout: 10_000 }, async () => {
  const store = new MemoryStore();
  const namespace = uniqueSwarm('sv');
  const handler = new CoordinatorTimeoutHandler({ store, namespace, checkIntervalMs: 20, election: { secret: SECRET, leaseTimeoutMs: 600, heartbeatIntervalMs: 100, workerTimeoutMs: 1_000 }, logger: recordingLogger() });
  const election = () => getGlobalCoordinator({ store, namespace });
  try {
    await handler.start();
    assert.ok(election().isRunning && election().isLeader(), 'joined, and alone it leads');
    assert.deepEqual([...election().subscribedPlugins.keys()], ['coordinator-timeout-handler']);
    await Promise.all([handler.stop(), handler.start(), handler.stop()]);
    assert.equal(election().isRunning, false, 'the election it started is stopped');
    assert.equal(election().subscribedPlugins.size, 0);
    assert.equal(await election().getLeader(), null);
  } finally {
    await handler.stop();
    await store.close();
  }
});

test('handlers sharing one election: the one that started it stops it; the other only leaves it', { timeout: 10_000 }, async () => {
  const store = new MemoryStore();
  const namespace = uniqueSwarm('sv');
  const make = () => new CoordinatorTimeoutHandler({ store, namespace, checkIntervalMs: 20, election: { secret: SECRET, leaseTimeoutMs: 600, heartbeatIntervalMs: 100, workerTimeoutMs: 1_000 }, logger: recordingLogger() });
  const [first, second] = [make(), make()];
  const election = () => getGlobalCoordinator({ store, namespace });
  try {
    await Promise.all([first.start(), second.start()]);
    assert.equal(election().isRunning, true);
    await second.stop();
    assert.equal(election().isRunning, true, 'still running for the first');
    await first.stop();
    assert.equal(election().isRunning, false);
  } finally {
    await Promise.all([first.stop(), second.stop()]);
    await store.close();
  }
});
