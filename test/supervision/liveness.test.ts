import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { encodeActivity } from '../../src/protocol/activity.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { CoordinatorTimeoutHandler } from '../../src/supervision/timeout-handler.js';
import { SECRET, uniqueSwarm } from '../support/coordinators.js';
import { recordingLogger } from '../support/recording-logger.js';

/**
 * Recording activity lists a coordinator in that swarm's registry; a coordinator that beats in
 * another swarm must not be found dead there once its activity stops (its heartbeat counts everywhere).
 */
test('a coordinator that beats is never dead in a swarm where it once recorded activity', { timeout: 10_000 }, async () => {
  const store = new MemoryStore();
  const [beating, other] = [uniqueSwarm('beats'), uniqueSwarm('activity')];
  const now = await store.time();
  const heartbeat = (id: string) => JSON.stringify({ coordinatorId: id, swarmId: beating, timestamp: now, iteration: 0, phase: 'p', status: 'active', sequence: 1, waitingFor: [] });
  const activity = (id: string) => encodeActivity({ coordinatorId: id, swarmId: other, iteration: 0, phase: 'spawned', waitingFor: [], timestamp: now - 10_000 });
  await store.register({ swarmId: beating, coordinatorId: 'validator-1', body: heartbeat('validator-1'), timestamp: now, ttlMs: 60_000, registryTtlMs: 600_000 });
  await store.recordActivity({ swarmId: other, coordinatorId: 'validator-1' }, activity('validator-1'), 60_000);
  await store.recordActivity({ swarmId: other, coordinatorId: 'silent-1' }, activity('silent-1'), 60_000); // the control: activity only
  const handler = new CoordinatorTimeoutHandler({
    store,
    deadThresholdMs: 2_000,
    checkIntervalMs: 20,
    maxWarnings: 1_000,
    namespace: uniqueSwarm('sv'),
    election: { secret: SECRET, leaseTimeoutMs: 600, heartbeatIntervalMs: 100, workerTimeoutMs: 1_000 },
    logger: recordingLogger(),
    env: {},
  });
  const warned = new Set<string>();
  handler.on('coordinator:warning', (e) => warned.add(`${e.swarmId === other ? 'other' : e.swarmId}:${e.coordinatorId}`));
  try {
    await handler.start();
    while ((await once(handler, 'coordinator:warning'))[0].count < 3); // a few checks
    assert.deepEqual([...warned], ['other:silent-1']);
    assert.equal(await handler.checkCoordinatorTimeout('validator-1', other), false);
    assert.equal(await handler.checkCoordinatorTimeout('silent-1', other), true);
  } finally {
    await handler.stop();
    await store.close();
  }
});
