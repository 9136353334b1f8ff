import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AbortedError,
  CoordinatorStoppedError,
  ERROR_CODES,
  InvalidConfigError,
  InvalidIdError,
  InvalidPayloadError,
  InvalidSignalError,
  NotStartedError,
  RendezvousError,
  SecretMissingError,
  SecretTooShortError,
  SignalTimeoutError,
  StoreClosedError,
  StoreCommandError,
  StoreUnavailableError,
  StoreMisconfiguredError,
  StoreCircuitOpenError,
  NotLeaderError,
  ReplicationShortfallError,
  RateLimitedError,
  InboxFullError,
  RoundTakenError,
  InvalidRequestError,
  UnauthorizedError,
  ForbiddenError,
  NotFoundError,
  InternalError,
} from '../../src/protocol/errors.js';

describe('error catalogue', () => {
  const cause = new Error('ECONNREFUSED');
  const instances: [RendezvousError, string, string][] = [
    [new InvalidIdError('swarm id', 'a:b', 'rule'), 'RDV_ERR_INVALID_ID', 'InvalidIdError'],
    [new InvalidConfigError('bad', { name: 'X' }), 'RDV_ERR_INVALID_CONFIG', 'InvalidConfigError'],
    [new SecretMissingError(), 'RDV_ERR_SECRET_MISSING', 'SecretMissingError'],
    [new SecretTooShortError('BLOCKING_COORDINATION_SECRET', 31, 32), 'RDV_ERR_SECRET_TOO_SHORT', 'SecretTooShortError'],
    [new SignalTimeoutError('coord-1', 100, { types: ['wake'] }), 'RDV_ERR_TIMEOUT', 'SignalTimeoutError'],
    [new CoordinatorStoppedError('coord-1'), 'RDV_ERR_STOPPED', 'CoordinatorStoppedError'],
    [new NotStartedError('coord-1', 'send'), 'RDV_ERR_NOT_STARTED', 'NotStartedError'],
    [new AbortedError('coord-1', 'bye'), 'RDV_ERR_ABORTED', 'AbortedError'],
    [new InvalidSignalError('not a signal this coordinator received'), 'RDV_ERR_INVALID_SIGNAL', 'InvalidSignalError'],
    [new InvalidPayloadError('payload is not JSON-serialisable'), 'RDV_ERR_INVALID_PAYLOAD', 'InvalidPayloadError'],
    [new StoreUnavailableError('appendSignal', cause), 'RDV_ERR_STORE_UNAVAILABLE', 'StoreUnavailableError'],
    [new StoreClosedError('send'), 'RDV_ERR_STORE_CLOSED', 'StoreClosedError'],
    [new StoreCommandError('beat', cause), 'RDV_ERR_STORE_COMMAND', 'StoreCommandError'],
    [new NotLeaderError('supervisor', 'escalateDeadCoordinator'), 'RDV_ERR_NOT_LEADER', 'NotLeaderError'],
    [new StoreMisconfiguredError('127.0.0.1:6379', 'maxmemory-policy', 'allkeys-lru', 'set it to noeviction.'), 'RDV_ERR_STORE_MISCONFIGURED', 'StoreMisconfiguredError'],
    [new ReplicationShortfallError('appendSignal', 0, 1, 1_000), 'RDV_ERR_REPLICATION_SHORTFALL', 'ReplicationShortfallError'],
    [new RoundTakenError('pr-1', 1, 'validator-1', 'owner-a'), 'RDV_ERR_ROUND_TAKEN', 'RoundTakenError'],
    [new RateLimitedError('coord-a', 'coord-b', 10, 400), 'RDV_ERR_RATE_LIMITED', 'RateLimitedError'],
    [new InboxFullError('coord-b', 10, 10), 'RDV_ERR_INBOX_FULL', 'InboxFullError'],
    [new StoreCircuitOpenError('appendSignal', Date.now(), 800), 'RDV_ERR_CIRCUIT_OPEN', 'StoreCircuitOpenError'],
    [new InvalidRequestError('body.to: must be an id', { fields: ['to'] }), 'RDV_ERR_INVALID_REQUEST', 'InvalidRequestError'],
    [new UnauthorizedError(true), 'RDV_ERR_UNAUTHORIZED', 'UnauthorizedError'],
    [new ForbiddenError('POST /api/cleanup'), 'RDV_ERR_FORBIDDEN', 'ForbiddenError'],
    [new NotFoundError('Coordinator c1 of swarm s1'), 'RDV_ERR_NOT_FOUND', 'NotFoundError'],
    [new InternalError(), 'RDV_ERR_INTERNAL', 'InternalError'],
  ];

  for (const [error, code, name] of instances) {
    test(`${name} has code ${code}, its class name and a message`, () => {
      assert.ok(error instanceof RendezvousError);
      assert.ok(error instanceof Error);
      assert.equal(error.code, code);
      assert.equal(error.name, name);
      assert.ok(error.message.length > 10);
      assert.equal(typeof error.context, 'object');
      assert.ok(String(error.stack).includes(name));
    });
  }

  test('every catalogue code is used by exactly one class, and codes are unique RDV_ERR_* strings', () => {
    const codes = Object.values(ERROR_CODES);
    assert.equal(new Set(codes).size, codes.length);
    for (const code of codes) assert.match(code, /^RDV_ERR_[A-Z_]+$/);
    assert.deepEqual(new Set(instances.map(([e]) => e.code)), new Set(codes));
  });

  test('context fields carry what the caller needs', () => {
    const short = new SecretTooShortError('BLOCKING_COORDINATION_SECRET_NEW', 31, 32);
    assert.deepEqual(short.context, { which: 'BLOCKING_COORDINATION_SECRET_NEW', bytes: 31, minimum: 32 });
    assert.match(short.message, /31 bytes/);
    assert.match(short.message, /openssl rand/);
    const timeout = new SignalTimeoutError('coord-1', 100, { types: ['wake'] });
    assert.deepEqual(timeout.context, { coordinatorId: 'coord-1', timeoutMs: 100, filter: { types: ['wake'] } });
  });

  test('StoreUnavailableError keeps its cause and says what to do', () => {
    const error = new StoreUnavailableError('appendSignal', cause);
    assert.equal(error.cause, cause);
    assert.match(error.message, /ECONNREFUSED/);
    assert.match(error.message, /REDIS_URL/);
    assert.match(new StoreUnavailableError('x', 'plain string').message, /plain string/);
  });

  test('StoreCircuitOpenError says since when the breaker is open, that nothing was written, and when the next probe is', () => {
    const openSince = Date.parse('2026-01-02T03:04:05.000Z');
    const error = new StoreCircuitOpenError('appendSignal', openSince, 800);
    assert.deepEqual(error.context, { operation: 'appendSignal', retryAfterMs: 800 });
    assert.match(error.message, /^Store operation appendSignal was not attempted and nothing was written/);
    assert.match(error.message, /open since 2026-01-02T03:04:05\.000Z/);
    assert.match(error.message, /the next probe of the store is in 800 ms \(at \d{4}-\d\d-\d\dT/);
    assert.match(new StoreCircuitOpenError('beat', openSince, 0).message, /a probe of the store is under way/);
  });

  test('SecretMissingError explains both the production and the development way out', () => {
    const message = new SecretMissingError().message;
    assert.match(message, /BLOCKING_COORDINATION_SECRET/);
    assert.match(message, /RENDEZVOUS_DEV_SECRET=1/);
    assert.match(message, /allowGeneratedSecret/);
  });
});

describe('NotLeaderError names the leader when known', () => {
  test('leaderId in the property, the context and the message; null when unknown', () => {
    const known = new NotLeaderError('supervisor', 'checkNow', 'gcs-w1');
    assert.equal(known.leaderId, 'gcs-w1');
    assert.equal(known.context.leaderId, 'gcs-w1');
    assert.match(known.message, /gcs-w1 does/);
    const unknown = new NotLeaderError('supervisor', 'checkNow');
    assert.equal(unknown.leaderId, null);
    assert.doesNotMatch(unknown.message, /does\)/);
  });
});
