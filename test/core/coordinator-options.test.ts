import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { coordinatorDefaults as DEFAULTS, resolveCoordinatorOptions as resolveConfig, type CoordinatorConfig } from '../../src/core/coordinator-options.js';
import { ERROR_CODES, InvalidConfigError, RendezvousError } from '../../src/protocol/errors.js';

const KEYS: (keyof CoordinatorConfig)[] = [
  'heartbeatIntervalMs',
  'heartbeatTtlMs',
  'replayWindowMs',
  'signalTtlMs',
  'ackTtlMs',
  'blockingTimeoutMs',
  'registryTtlMs',
  'clockSyncIntervalMs',
  'ackNoticeMaxLen',
  'maxSignalBytes',
  'maxHeldBytes',
  'maxSendsPerSecond',
  'maxInboxLength',
  'readBatchSize',
  'workTtlMs',
];

function assertInvalidConfig(fn: () => unknown, pattern?: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof InvalidConfigError, `got ${String(error)}`);
    assert.ok(error instanceof RendezvousError);
    assert.equal(error.code, ERROR_CODES.INVALID_CONFIG);
    assert.equal(error.code, 'RDV_ERR_INVALID_CONFIG');
    assert.match(error.message, /^Invalid configuration: /);
    if (pattern) assert.match(error.message, pattern);
    return true;
  });
}

describe('resolveConfig defaults', () => {
  test('with no options and no env, every value equals DEFAULTS', () => {
    const config = resolveConfig({}, {});
    assert.deepEqual(Object.keys(config).sort(), [...KEYS].sort());
    for (const key of KEYS) assert.equal(config[key], DEFAULTS[key], key);
  });

  test('options set to undefined fall back to env and defaults', () => {
    const config = resolveConfig({ heartbeatIntervalMs: undefined, ackTtlMs: undefined }, { HEARTBEAT_INTERVAL: '2000' });
    assert.equal(config.heartbeatIntervalMs, 2000);
    assert.equal(config.ackTtlMs, DEFAULTS.ackTtlMs);
  });

  test('unrelated env variables are ignored', () => {
    assert.deepEqual(resolveConfig({}, { PATH: '/bin', REDIS_URL: 'redis://x', ACK_TTL: 'abc' }), resolveConfig({}, {}));
  });

  test('empty env values count as unset', () => {
    assert.deepEqual(resolveConfig({}, { HEARTBEAT_INTERVAL: '', HEARTBEAT_TTL: '', BLOCKING_TIMEOUT_MS: '' }), resolveConfig({}, {}));
  });

  test('unknown option keys are not copied into the config', () => {
    const config = resolveConfig({ bogus: 1 } as Partial<CoordinatorConfig>, {});
    assert.equal('bogus' in config, false);
  });

  test('does not modify DEFAULTS or the options object', () => {
    const options: Partial<CoordinatorConfig> = { heartbeatIntervalMs: 100, heartbeatTtlMs: 1000 };
    const config = resolveConfig(options, {});
    config.heartbeatIntervalMs = 1;
    assert.equal(DEFAULTS.heartbeatIntervalMs, 5000); // frozen
    assert.deepEqual(options, { heartbeatIntervalMs: 100, heartbeatTtlMs: 1000 });
  });
});

describe('resolveConfig precedence: options > env > defaults', () => {
  test('env overrides defaults', () => {
    const config = resolveConfig({}, { HEARTBEAT_INTERVAL: '1000', HEARTBEAT_TTL: '30', BLOCKING_TIMEOUT_MS: '60000' });
    assert.equal(config.heartbeatIntervalMs, 1000);
    assert.equal(config.heartbeatTtlMs, 30_000);
    assert.equal(config.blockingTimeoutMs, 60_000);
  });

  test('options override env', () => {
    const env = { HEARTBEAT_INTERVAL: '1000', HEARTBEAT_TTL: '30', BLOCKING_TIMEOUT_MS: '60000' };
    const config = resolveConfig({ heartbeatIntervalMs: 200, heartbeatTtlMs: 2_000, blockingTimeoutMs: 500 }, env);
    assert.equal(config.heartbeatIntervalMs, 200);
    assert.equal(config.heartbeatTtlMs, 2_000);
    assert.equal(config.blockingTimeoutMs, 500);
  });

  test('options override defaults for every key', () => {
    const options: CoordinatorConfig = {
      heartbeatIntervalMs: 10,
      heartbeatTtlMs: 50,
      replayWindowMs: 100,
      signalTtlMs: 1_000,
      ackTtlMs: 200,
      blockingTimeoutMs: 300,
      registryTtlMs: 60,
      clockSyncIntervalMs: 40,
      ackNoticeMaxLen: 7,
      maxSignalBytes: 2048,
      maxHeldBytes: 4096,
      maxSendsPerSecond: 0,
      maxInboxLength: 9,
      readBatchSize: 3,
      workTtlMs: 5_000,
    };
    assert.deepEqual(resolveConfig(options, {}), options);
  });

  test('an option for one key leaves env values of other keys in place', () => {
    const config = resolveConfig({ heartbeatIntervalMs: 300 }, { HEARTBEAT_TTL: '10', BLOCKING_TIMEOUT_MS: '7000' });
    assert.equal(config.heartbeatIntervalMs, 300);
    assert.equal(config.heartbeatTtlMs, 10_000);
    assert.equal(config.blockingTimeoutMs, 7_000);
  });
});

describe('resolveConfig env units', () => {
  test('HEARTBEAT_TTL is in seconds: 90 → 90000 ms', () => {
    assert.equal(resolveConfig({}, { HEARTBEAT_TTL: '90' }).heartbeatTtlMs, 90_000);
    assert.equal(resolveConfig({}, { HEARTBEAT_TTL: '120' }).heartbeatTtlMs, 120_000);
  });

  test('fractional HEARTBEAT_TTL seconds become whole ms', () => {
    assert.equal(resolveConfig({}, { HEARTBEAT_TTL: '7.5' }).heartbeatTtlMs, 7_500);
  });

  test('HEARTBEAT_INTERVAL is in ms', () => {
    assert.equal(resolveConfig({}, { HEARTBEAT_INTERVAL: '5000' }).heartbeatIntervalMs, 5_000);
    assert.equal(resolveConfig({}, { HEARTBEAT_INTERVAL: '250' }).heartbeatIntervalMs, 250);
  });

  test('BLOCKING_TIMEOUT_MS is in ms', () => {
    assert.equal(resolveConfig({}, { BLOCKING_TIMEOUT_MS: '1800000' }).blockingTimeoutMs, 1_800_000);
    assert.equal(resolveConfig({}, { BLOCKING_TIMEOUT_MS: '15' }).blockingTimeoutMs, 15);
  });
});

describe('resolveConfig invalid values → InvalidConfigError', () => {
  for (const [name, value] of [
    ['HEARTBEAT_INTERVAL', 'abc'],
    ['HEARTBEAT_INTERVAL', '5s'],
    ['HEARTBEAT_TTL', '90s'],
    ['HEARTBEAT_TTL', 'NaN'],
    ['BLOCKING_TIMEOUT_MS', 'Infinity'],
    ['BLOCKING_TIMEOUT_MS', '-Infinity'],
    ['BLOCKING_TIMEOUT_MS', 'thirty minutes'],
  ] as const) {
    test(`non-numeric env ${name}=${JSON.stringify(value)}`, () => {
      assertInvalidConfig(() => resolveConfig({}, { [name]: value }), new RegExp(name));
    });
  }

  for (const [name, value] of [
    ['HEARTBEAT_INTERVAL', '0'],
    ['HEARTBEAT_INTERVAL', '-5'],
    ['HEARTBEAT_TTL', '0'],
    ['HEARTBEAT_TTL', '-90'],
    ['BLOCKING_TIMEOUT_MS', '0'],
    ['BLOCKING_TIMEOUT_MS', '-1'],
  ] as const) {
    test(`zero or negative env ${name}=${value}`, () => {
      assertInvalidConfig(() => resolveConfig({}, { [name]: value }));
    });
  }

  test('heartbeatTtlMs equal to heartbeatIntervalMs', () => {
    assertInvalidConfig(() => resolveConfig({ heartbeatIntervalMs: 1000, heartbeatTtlMs: 1000 }, {}), /heartbeatTtlMs must exceed heartbeatIntervalMs/);
  });

  test('heartbeatTtlMs below heartbeatIntervalMs', () => {
    assertInvalidConfig(() => resolveConfig({ heartbeatIntervalMs: 1000, heartbeatTtlMs: 999 }, {}), /heartbeatTtlMs must exceed/);
  });

  test('env HEARTBEAT_TTL in seconds not exceeding HEARTBEAT_INTERVAL in ms', () => {
    assertInvalidConfig(() => resolveConfig({}, { HEARTBEAT_TTL: '5', HEARTBEAT_INTERVAL: '5000' }), /heartbeatTtlMs must exceed/);
    assert.equal(resolveConfig({}, { HEARTBEAT_TTL: '5', HEARTBEAT_INTERVAL: '4999' }).heartbeatTtlMs, 5000);
  });

  test('a default interval with a too-short option TTL', () => {
    assertInvalidConfig(() => resolveConfig({ heartbeatTtlMs: DEFAULTS.heartbeatIntervalMs }, {}), /heartbeatTtlMs/);
  });

  test('ackTtlMs equal to or below replayWindowMs', () => {
    assertInvalidConfig(() => resolveConfig({ ackTtlMs: 1000, replayWindowMs: 1000 }, {}), /ackTtlMs must exceed replayWindowMs/);
    assertInvalidConfig(() => resolveConfig({ ackTtlMs: 999, replayWindowMs: 1000 }, {}), /ackTtlMs must exceed replayWindowMs/);
    assertInvalidConfig(() => resolveConfig({ replayWindowMs: DEFAULTS.ackTtlMs }, {}), /ackTtlMs/);
    assert.equal(resolveConfig({ ackTtlMs: 1001, replayWindowMs: 1000 }, {}).ackTtlMs, 1001);
  });

  test('registryTtlMs not exceeding heartbeatTtlMs', () => {
    assertInvalidConfig(() => resolveConfig({ heartbeatIntervalMs: 10, heartbeatTtlMs: 100, registryTtlMs: 100 }, {}), /registryTtlMs/);
  });

  for (const key of KEYS) {
    // A limit may be 0 (off); every other value must be positive.
    const limits: (keyof CoordinatorConfig)[] = ['maxSendsPerSecond', 'maxInboxLength'];
    for (const value of limits.includes(key) ? [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY] : [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      test(`option ${key}=${value}`, () => {
        assertInvalidConfig(() => resolveConfig({ [key]: value }, {}), new RegExp(key));
      });
    }
  }

  test('options of the wrong type', () => {
    for (const value of ['5000', null, true, {}, [5000]]) {
      assertInvalidConfig(() => resolveConfig({ heartbeatIntervalMs: value as unknown as number }, {}), /heartbeatIntervalMs/);
    }
  });

  test('the error lists every problem and carries the issues', () => {
    assert.throws(
      () => resolveConfig({ heartbeatIntervalMs: -1, readBatchSize: 0 }, {}),
      (error: unknown) => {
        assert.ok(error instanceof InvalidConfigError);
        assert.match(error.message, /heartbeatIntervalMs/);
        assert.match(error.message, /readBatchSize/);
        assert.ok(Array.isArray(error.context.issues));
        assert.ok((error.context.issues as unknown[]).length >= 2);
        return true;
      },
    );
  });

  test('a non-numeric env value fails even when an option overrides it (invalid config fails at start)', () => {
    assertInvalidConfig(() => resolveConfig({ heartbeatIntervalMs: 1000 }, { HEARTBEAT_INTERVAL: 'abc' }), /HEARTBEAT_INTERVAL/);
  });
});
