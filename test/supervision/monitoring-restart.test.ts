import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { getGlobalCoordinator } from '../../src/supervision/global-coordinator-registry.js';
import { CoordinatorTimeoutHandler } from '../../src/supervision/timeout-handler.js';
import { uniqueSwarm } from '../support/coordinators.js';
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
    election: { leaseTimeoutMs: 600, heartbeatIntervalMs: 100, workerTimeoutMs: 1_000 },
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
