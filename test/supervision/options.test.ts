import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidConfigError, InvalidIdError } from '../../src/protocol/errors.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { cleanupStaleState } from '../../src/supervision/cleanup.js';
import { cleanupDefaults } from '../../src/supervision/cleanup-options.js';
import { electionDefaults, resolveElectionOptions } from '../../src/supervision/election-options.js';
import { GlobalCoordinator } from '../../src/supervision/global-coordinator.js';
import { resolveSupervisorOptions, supervisorDefaults } from '../../src/supervision/supervisor-options.js';
import { CoordinatorTimeoutHandler } from '../../src/supervision/timeout-handler.js';
import { SECRET } from '../support/coordinators.js';
import { recordingLogger } from '../support/recording-logger.js';

test('the defaults are the runbooks\' and the guide\'s', () => {
  assert.deepEqual(resolveElectionOptions(), { leaseTimeoutMs: 15_000, workerTimeoutMs: 25_000, heartbeatIntervalMs: 5_000, safetyMarginMs: 1_500, diagnosticsEnabled: false });
  assert.equal(electionDefaults.safetyMarginMs, undefined, 'a tenth of whatever lease is resolved');
  const supervisor = resolveSupervisorOptions({}, {});
  assert.deepEqual([supervisor.deadThresholdMs, supervisor.checkIntervalMs, supervisor.maxWarnings, supervisor.namespace], [120_000, 30_000, 3, 'supervisor']);
  assert.deepEqual(supervisorDefaults.autoCleanup && supervisorDefaults.autoEscalate, true);
  assert.deepEqual([cleanupDefaults.staleThresholdMs, cleanupDefaults.batchSize, cleanupDefaults.dryRun], [600_000, 500, false]);
  assert.ok(supervisor.activityTtlMs > supervisor.deadThresholdMs);
});

test('DEAD_THRESHOLD is read strictly, in ms; an option overrides it', () => {
  const store = new MemoryStore();
  const handler = (options: { deadThresholdMs?: number }, env: NodeJS.ProcessEnv) => new CoordinatorTimeoutHandler({ store, env, logger: recordingLogger(), ...options });
  assert.equal(handler({}, { DEAD_THRESHOLD: '5000' }).config.deadThresholdMs, 5_000);
  assert.equal(handler({}, { DEAD_THRESHOLD: ' ' }).config.deadThresholdMs, 120_000, 'empty is unset');
  assert.equal(handler({ deadThresholdMs: 7_000 }, { DEAD_THRESHOLD: '5000' }).config.deadThresholdMs, 7_000);
  for (const value of ['2m', '120s', '-5', '1.5', 'abc']) {
    assert.throws(() => handler({}, { DEAD_THRESHOLD: value }), (error: unknown) => error instanceof InvalidConfigError && error.message.includes('DEAD_THRESHOLD'), value);
  }
  assert.throws(() => handler({}, { DEAD_THRESHOLD: '0' }), InvalidConfigError, 'not positive');
});

test('invalid options fail at construction with InvalidConfigError (InvalidIdError for a namespace)', async () => {
  const store = new MemoryStore();
  const logger = recordingLogger();
  assert.throws(() => new GlobalCoordinator({ secret: SECRET, store, namespace: 'ns', leaseTimeoutMs: 300, safetyMarginMs: 100 }), InvalidConfigError, 'margin not below a third of the lease');
  assert.throws(() => new GlobalCoordinator({ secret: SECRET, store, namespace: 'ns', heartbeatIntervalMs: 30_000 }), InvalidConfigError, 'worker timeout not above the heartbeat interval');
  assert.throws(() => new GlobalCoordinator({ secret: SECRET, store, namespace: 'ns', leaseTimeoutMs: 1.5 }), InvalidConfigError);
  assert.equal(new GlobalCoordinator({ secret: SECRET, store, namespace: 'ns', leaseTimeoutMs: 600, logger }).config.safetyMarginMs, 60);
  assert.throws(() => new CoordinatorTimeoutHandler({ store, env: {}, deadThresholdMs: 600_000, activityTtlMs: 600_000, logger }), InvalidConfigError, 'activity must outlive the dead threshold');
  assert.throws(() => new CoordinatorTimeoutHandler({ store, env: {}, maxWarnings: 0, logger }), InvalidConfigError);
  assert.throws(() => new CoordinatorTimeoutHandler({ store, env: {}, namespace: 'a:b', logger }), InvalidIdError);
  await assert.rejects(cleanupStaleState(store, { batchSize: 0, logger }), InvalidConfigError);
  await assert.rejects(cleanupStaleState(store, { staleThresholdMs: -1, logger }), InvalidConfigError);
  await store.close();
});

test('the escalation and spawn caps: generous defaults, their environment variables read strictly, options win', () => {
  const supervisor = resolveSupervisorOptions({}, {});
  assert.deepEqual(
    [supervisor.maxEscalationsPerCheck, supervisor.maxEscalationsPerMinute, supervisor.maxSpawnsPerCheck, supervisor.maxSpawnsPerMinute, supervisor.rateWindowMs],
    [100, 300, 100, 300, 60_000],
  );
  const env = { RENDEZVOUS_MAX_ESCALATIONS_PER_CHECK: '7', RENDEZVOUS_MAX_ESCALATIONS_PER_MINUTE: '8', RENDEZVOUS_MAX_SPAWNS_PER_CHECK: '9', RENDEZVOUS_MAX_SPAWNS_PER_MINUTE: '10' };
  const fromEnv = resolveSupervisorOptions({ maxSpawnsPerMinute: 11 }, env);
  assert.deepEqual([fromEnv.maxEscalationsPerCheck, fromEnv.maxEscalationsPerMinute, fromEnv.maxSpawnsPerCheck, fromEnv.maxSpawnsPerMinute], [7, 8, 9, 11]);
  for (const value of ['0', '-1', '1.5', 'many']) {
    assert.throws(() => resolveSupervisorOptions({}, { RENDEZVOUS_MAX_ESCALATIONS_PER_MINUTE: value }), InvalidConfigError, value);
  }
});
