import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coordinatorDefaults } from '../../src/core/coordinator-options.js';
import { cleanupDefaults } from '../../src/supervision/cleanup-options.js';
import { electionDefaults } from '../../src/supervision/election-options.js';
import { supervisorDefaults } from '../../src/supervision/supervisor-options.js';

test("each component's defaults are the runbooks' values", () => {
  assert.equal(coordinatorDefaults.heartbeatIntervalMs, 5_000);
  assert.equal(coordinatorDefaults.heartbeatTtlMs, 90_000);
  assert.equal(coordinatorDefaults.signalTtlMs, 24 * 3_600_000);
  assert.equal(coordinatorDefaults.ackTtlMs, 3_600_000);
  assert.equal(coordinatorDefaults.replayWindowMs, 5 * 60_000);
  assert.equal(supervisorDefaults.deadThresholdMs, 120_000);
  assert.equal(supervisorDefaults.maxWarnings, 3);
  assert.equal(cleanupDefaults.staleThresholdMs, 600_000);
  assert.equal(electionDefaults.leaseTimeoutMs, 15_000);
  assert.equal(electionDefaults.workerTimeoutMs, 25_000);
});

test('the defaults of different components fit together', () => {
  const deadMs = supervisorDefaults.deadThresholdMs!;
  // A silent coordinator stays listed until the supervisor has judged it dead.
  assert.ok(coordinatorDefaults.registryTtlMs > deadMs);
  // Cleanup never removes what the supervisor is still warning about.
  assert.ok(cleanupDefaults.staleThresholdMs! > deadMs);
  // A replacement inherits signals and work for as long as the dead coordinator would have kept them.
  assert.equal(supervisorDefaults.inboxTtlMs, coordinatorDefaults.signalTtlMs);
  assert.equal(supervisorDefaults.workTtlMs, coordinatorDefaults.workTtlMs);
  assert.ok(coordinatorDefaults.signalTtlMs > coordinatorDefaults.replayWindowMs);
});
