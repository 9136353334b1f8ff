import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULTS } from '../../src/protocol/defaults.js';

describe('DEFAULTS', () => {
  test('match the runbooks', () => {
    assert.equal(DEFAULTS.heartbeatIntervalMs, 5_000);
    assert.equal(DEFAULTS.heartbeatTtlMs, 90_000);
    assert.equal(DEFAULTS.deadThresholdMs, 120_000);
    assert.equal(DEFAULTS.maxWarnings, 3);
    assert.equal(DEFAULTS.staleThresholdMs, 600_000);
    assert.equal(DEFAULTS.signalTtlMs, 24 * 3_600_000);
    assert.equal(DEFAULTS.ackTtlMs, 3_600_000);
    assert.equal(DEFAULTS.replayWindowMs, 5 * 60_000);
    assert.deepEqual([...DEFAULTS.circuitBreakerDelaysMs], [1_000, 2_000, 4_000, 8_000]);
    assert.equal(DEFAULTS.circuitBreakerCooldownMs, 30_000);
    assert.equal(DEFAULTS.leaseTimeoutMs, 15_000);
    assert.equal(DEFAULTS.workerTimeoutMs, 25_000);
    assert.equal(DEFAULTS.rateLimitPerMinute, 100);
    assert.equal(DEFAULTS.minSecretBytes, 32);
  });

  test('are consistent with each other', () => {
    assert.ok(DEFAULTS.heartbeatTtlMs > DEFAULTS.heartbeatIntervalMs);
    assert.ok(DEFAULTS.ackTtlMs > DEFAULTS.replayWindowMs);
    assert.ok(DEFAULTS.registryTtlMs > DEFAULTS.heartbeatTtlMs);
    assert.ok(DEFAULTS.registryTtlMs > DEFAULTS.deadThresholdMs);
    assert.ok(DEFAULTS.staleThresholdMs > DEFAULTS.deadThresholdMs);
    assert.ok(DEFAULTS.signalTtlMs > DEFAULTS.replayWindowMs);
  });

  test('every numeric default is a positive integer', () => {
    for (const [name, value] of Object.entries(DEFAULTS)) {
      const values = Array.isArray(value) ? value : [value];
      for (const v of values) assert.ok(Number.isInteger(v) && (v as number) > 0, `${name}=${String(v)}`);
    }
  });
});
