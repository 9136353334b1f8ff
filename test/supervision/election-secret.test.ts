/**
 * The election's signing secret (issue 12, point 4) follows the coordinators' rules: an option or
 * BLOCKING_COORDINATION_SECRET, SecretMissingError without one unless development mode is
 * explicit, SecretTooShortError below 32 bytes. Workers with different secrets do not believe
 * each other's records.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { SecretMissingError, SecretTooShortError } from '../../src/protocol/errors.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { getGlobalCoordinator } from '../../src/supervision/global-coordinator-registry.js';
import { GlobalCoordinator } from '../../src/supervision/global-coordinator.js';
import { CoordinatorTimeoutHandler } from '../../src/supervision/timeout-handler.js';
import { OTHER_SECRET, SECRET } from '../support/coordinators.js';
import { recordingLogger } from '../support/recording-logger.js';
import { until } from '../support/until.js';

const store = new MemoryStore();
after(() => store.close());
const TIMINGS = { leaseTimeoutMs: 300, heartbeatIntervalMs: 50, workerTimeoutMs: 1_000 };

test('a worker needs a secret: the option, BLOCKING_COORDINATION_SECRET, or development mode said out loud', () => {
  const make = (options: object) => new GlobalCoordinator({ store, namespace: 'secrets', logger: recordingLogger(), ...options });
  assert.throws(() => make({ env: {} }), SecretMissingError);
  assert.throws(() => make({ env: { BLOCKING_COORDINATION_SECRET: 'short' } }), SecretTooShortError);
  assert.throws(() => make({ secret: SECRET, secretNew: 'short', env: {} }), SecretTooShortError);
  assert.ok(make({ secret: SECRET, env: {} }));
  assert.ok(make({ env: { BLOCKING_COORDINATION_SECRET: SECRET } }));
  const logger = recordingLogger();
  make({ env: { RENDEZVOUS_DEV_SECRET: '1' }, logger });
  assert.ok(logger.records.some((r) => r.level === 'warn' && /NO SIGNING SECRET/.test(r.msg ?? '')), 'development mode is logged loudly');
  assert.ok(make({ allowGeneratedSecret: true, env: {} }));
});

test('getGlobalCoordinator does not compare secrets, and a supervisor without one fails to start', async () => {
  const first = getGlobalCoordinator({ store, namespace: 'shared-secret', secret: SECRET, env: {} });
  assert.equal(getGlobalCoordinator({ store, namespace: 'shared-secret', secret: OTHER_SECRET }), first, 'the instance keeps its own secret');
  const handler = new CoordinatorTimeoutHandler({ store, namespace: 'no-secret', env: {}, logger: recordingLogger() });
  await assert.rejects(handler.start(), SecretMissingError);
});

test('a worker with another secret does not believe the leader, nor take its lease while it renews; it leads once the leader is gone', async () => {
  const logger = recordingLogger();
  const right = new GlobalCoordinator({ store, namespace: 'mixed', secret: SECRET, logger, ...TIMINGS });
  const wrong = new GlobalCoordinator({ store, namespace: 'mixed', secret: OTHER_SECRET, logger, ...TIMINGS });
  const overlaps: number[] = [];
  for (const [gc, other] of [[right, wrong], [wrong, right]] as const) {
    gc.on('leader:changed', (event) => event.newLeader === gc.workerId && other.isLeader() && overlaps.push(event.epoch));
  }
  try {
    await right.start();
    await wrong.start();
    assert.equal(await wrong.getLeader(), null, 'the leader, as this worker can verify: none');
    // Each renewal is a record it cannot verify: counted, never taken over while it changes.
    await until('several leases of renewals went by', async () => wrong.getMetrics().forgedLeases >= 5);
    assert.ok(right.isLeader() && !wrong.isLeader());
    assert.ok(logger.records.some((r) => r.msg === 'forged lease record: not believed' && r.fields.reason === 'bad_signature'));
    const tookOver = new Promise<number>((resolve) => wrong.on('leader:changed', (event) => event.newLeader === wrong.workerId && resolve(event.epoch)));
    await right.stop(); // its `released` event is a forgery to the other: it finds the lease free when its wait ends
    assert.equal(await tookOver, 2);
    assert.deepEqual(overlaps, [], 'never two leaders');
  } finally {
    await Promise.all([right.stop(), wrong.stop()]);
  }
});
