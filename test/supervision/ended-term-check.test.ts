/**
 * A check belongs to the term it started in. When this worker loses the lease in the middle of a
 * check and wins it again at once (a newer epoch), the old check must stop, not go on writing
 * under its ended term: every such write is fenced out, and used to take from the per-minute caps.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CoordinatorTimeoutHandler, createStore, globalKeys, MemoryStore } from '../../src/index.js';
import { holdOneCall } from '../support/held-store.js';
import { memoryAccess } from '../support/raw-access.js';
import { recordingLogger } from '../support/recording-logger.js';
import { until } from '../support/until.js';

const SECRET = 'ended-term-check-secret-0123456789abcdef01234567';
const NAMESPACE = 'ended-term';

test('a check of an ended term stops, even when the same worker leads again in a newer one', { timeout: 30_000 }, async () => {
  const store = (await createStore()) as MemoryStore;
  const now = await store.time();
  // A coordinator silent for ten minutes: each completed check would warn it.
  await store.beat({ swarmId: 'swarm-1', coordinatorId: 'silent-1', body: '{}', timestamp: now - 600_000, ttlMs: 90_000, registryTtlMs: 86_400_000 });
  const held = holdOneCall(store, 'listRegistry');
  const handler = new CoordinatorTimeoutHandler({
    store: held.store,
    namespace: NAMESPACE,
    checkIntervalMs: 50,
    deadThresholdMs: 1_000,
    election: { secret: SECRET, leaseTimeoutMs: 400, heartbeatIntervalMs: 100, workerTimeoutMs: 2_000 },
    logger: recordingLogger(),
    env: {},
  });
  const ended: { epoch: number; completed: boolean }[] = [];
  handler.on('check:ended', (event) => ended.push(event));
  const warnedIn: number[] = [];
  handler.on('coordinator:warning', () => warnedIn.push(handler.election?.getEpoch() ?? -1));
  try {
    await handler.start();
    await held.held; // the first check, in its term, is reading the registry
    const election = handler.election!;
    const first = election.getEpoch();
    assert.ok(election.isLeader());

    // The lease vanishes; the same worker takes it again, in a newer term.
    await memoryAccess(store).del(globalKeys.leader(NAMESPACE));
    await until('the same worker leads again in a newer term', async () => election.isLeader() && election.getEpoch() > first);
    held.release();

    await until('the first term\'s check ended', async () => ended.some((e) => e.epoch === first));
    assert.equal(ended.find((e) => e.epoch === first)!.completed, false, 'the ended term\'s check stopped');
    // The newer term's checks go on and warn the silent coordinator.
    await until('a check of the newer term completed', async () => ended.some((e) => e.epoch > first && e.completed));
    assert.ok(warnedIn.length > 0 && warnedIn.every((epoch) => epoch > first));
  } finally {
    held.release();
    await handler.stop();
    await store.close();
  }
});
