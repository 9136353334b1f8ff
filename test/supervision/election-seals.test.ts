import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { epochFrom, MAX_EPOCH, type LeaseSealFields } from '../../src/protocol/election-seal.js';
import { Keyring } from '../../src/protocol/keyring.js';
import type { LeaseState, StoredLease } from '../../src/store/lease-types.js';
import { judgeLease } from '../../src/supervision/election/lease-verdict.js';
import { LeaseWatch } from '../../src/supervision/election/lease-watch.js';
import { ElectionSeals } from '../../src/supervision/election/seals.js';
import { OTHER_SECRET, SECRET } from '../support/coordinators.js';

const keyring = (secret: string, verifyOnly: string[] = []) => ({ current: new Keyring(Buffer.from(secret), verifyOnly.map((s) => Buffer.from(s))) });
const seals = new ElectionSeals(keyring(SECRET), 'ns');
const FIELDS: LeaseSealFields = { workerId: 'w-1', instance: '0123456789abcdef', epoch: 7, leaseMs: 500, renewal: 2 };

/** A record as the store returns it, sealed by `by`. */
function stored(fields: LeaseSealFields = FIELDS, by = seals, digest = 'd1'): StoredLease {
  return { workerId: fields.workerId, instance: fields.instance, epoch: String(fields.epoch), leaseMs: String(fields.leaseMs), renewal: String(fields.renewal), seal: by.lease(fields), digest };
}

const state = (record: StoredLease | null, counter = 7, ttlMs = 400): LeaseState => ({ holder: record?.workerId || null, epoch: 7, ttlMs, eventsCursor: '0-0', record, counter });

describe('lease record seals', () => {
  test('a record its worker sealed verifies; changing any field it covers breaks the seal', () => {
    assert.deepEqual(seals.verifyLease(stored()), { ok: true, value: FIELDS });
    const record = stored();
    for (const [field, value] of [['workerId', 'w-2'], ['instance', 'fedcba9876543210'], ['epoch', '8'], ['leaseMs', '60000'], ['renewal', '3']] as const) {
      assert.deepEqual(seals.verifyLease({ ...record, [field]: value }), { ok: false, reason: 'bad_signature' }, field);
    }
  });

  test('the seal binds the namespace and the secret; a rotation verifies with the verify-only secret', () => {
    assert.deepEqual(new ElectionSeals(keyring(SECRET), 'other-ns').verifyLease(stored()), { ok: false, reason: 'bad_signature' });
    assert.deepEqual(seals.verifyLease(stored(FIELDS, new ElectionSeals(keyring(OTHER_SECRET), 'ns'))), { ok: false, reason: 'bad_signature' });
    const promoted = new ElectionSeals(keyring(OTHER_SECRET, [SECRET]), 'ns');
    assert.equal(promoted.verifyLease(stored()).ok, true, 'sealed with the old secret, verified after the promotion');
  });

  test('no seal, a seal of another length, and fields no worker writes are told apart', () => {
    assert.deepEqual(seals.verifyLease({ ...stored(), seal: '' }), { ok: false, reason: 'unsigned' });
    assert.deepEqual(seals.verifyLease({ ...stored(), seal: 'ab' }), { ok: false, reason: 'signature_length' });
    const malformed: Partial<StoredLease>[] = [
      { epoch: '07' },
      { epoch: '7.0' },
      { epoch: ' 7' },
      { epoch: '0' },
      { epoch: String(MAX_EPOCH + 2) },
      { leaseMs: '0' },
      { renewal: '-1' },
      { instance: 'not-hex-at-all!!' },
      { workerId: 'a:b' },
      { workerId: '' },
    ];
    for (const change of malformed) assert.deepEqual(seals.verifyLease({ ...stored(), ...change }), { ok: false, reason: 'malformed' }, JSON.stringify(change));
  });
});

describe('leadership event seals', () => {
  const body = (event: Record<string, unknown>) => JSON.stringify(event);
  const sealed = { event: 'acquired', workerId: 'w-1', epoch: 7, seal: seals.event('acquired', 'w-1', 7) };

  test('a sealed event verifies; its kind, worker and epoch are covered', () => {
    assert.deepEqual(seals.verifyEvent(body(sealed)), { ok: true, value: { event: 'acquired', workerId: 'w-1', epoch: 7 } });
    assert.deepEqual(seals.verifyEvent(body({ ...sealed, event: 'released' })), { ok: false, reason: 'bad_signature' });
    assert.deepEqual(seals.verifyEvent(body({ ...sealed, workerId: 'w-2' })), { ok: false, reason: 'bad_signature' });
    assert.deepEqual(seals.verifyEvent(body({ ...sealed, epoch: 8 })), { ok: false, reason: 'bad_signature' });
    assert.deepEqual(seals.verifyEvent(body({ ...sealed, seal: undefined })), { ok: false, reason: 'unsigned' });
  });

  test('what is not a leadership event is refused before any seal is computed', () => {
    for (const text of [null, 'not json', '5', 'null', body({ ...sealed, event: 'stolen' }), body({ ...sealed, epoch: '7' }), body({ ...sealed, epoch: 0 }), body({ ...sealed, workerId: 'a b' }), body({ ...sealed, pad: 'x'.repeat(2_000) })]) {
      assert.deepEqual(seals.verifyEvent(text), { ok: false, reason: 'malformed' }, String(text).slice(0, 40));
    }
  });
});

describe('epochs read from the store', () => {
  test('only whole numbers from 0 to MAX_EPOCH are epochs; anything else counts as none', () => {
    assert.deepEqual(['0', '12', String(MAX_EPOCH), '1e3'].map(epochFrom), [0, 12, MAX_EPOCH, 1000]);
    assert.deepEqual([undefined, '', ' ', 'abc', '-1', '1.5', String(MAX_EPOCH + 2), 'Infinity'].map(epochFrom), [0, 0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('judging a lease and watching it', () => {
  test('believed when sealed and the counter is not above its epoch', () => {
    assert.deepEqual(judgeLease(seals, state(null)), { kind: 'free' });
    assert.deepEqual(judgeLease(seals, state(stored())), { kind: 'held', lease: FIELDS });
    assert.deepEqual(judgeLease(seals, state(stored(), 6)), { kind: 'held', lease: FIELDS }, 'a counter below: the store lost it');
    assert.deepEqual(judgeLease(seals, state(stored(), 8)), { kind: 'forged', reason: 'superseded' });
    assert.deepEqual(judgeLease(seals, state({ ...stored(), seal: '' })), { kind: 'forged', reason: 'unsigned' });
  });

  test('a believed record is read again when it could have expired, and has stalled once unchanged for a lease', () => {
    const watch = new LeaseWatch(500);
    const record = stored();
    const read = (at: number, ttlMs = 400) => watch.read(state(record, 7, ttlMs), judgeLease(seals, state(record)), at);
    assert.deepEqual(read(1_000), { kind: 'held', lease: FIELDS, recheckAt: 1_400 });
    assert.deepEqual(read(1_300, 10_000), { kind: 'held', lease: FIELDS, recheckAt: 1_500 }, 'a lifted expiry: read again when it would have stalled');
    assert.deepEqual(read(1_500), { kind: 'forged', reason: 'stalled', takeoverAt: 1_500 });
    // Renewed (a new digest): believed again, its lease counted from now.
    const renewed = stored({ ...FIELDS, renewal: 3 }, seals, 'd2');
    assert.deepEqual(watch.read(state(renewed), judgeLease(seals, state(renewed)), 1_600), { kind: 'held', lease: { ...FIELDS, renewal: 3 }, recheckAt: 2_000 });
  });

  test('a record not believed may be taken over once it has stayed the same for a lease; a rewrite starts the wait again', () => {
    const watch = new LeaseWatch(500);
    const forged = (digest: string, at: number) => watch.read(state({ ...stored(), seal: '', digest }), { kind: 'forged', reason: 'unsigned' }, at);
    assert.deepEqual(forged('f1', 1_000), { kind: 'forged', reason: 'unsigned', takeoverAt: 1_500 });
    assert.deepEqual(forged('f1', 1_200), { kind: 'forged', reason: 'unsigned', takeoverAt: 1_500 });
    assert.deepEqual(forged('f2', 1_400), { kind: 'forged', reason: 'unsigned', takeoverAt: 1_900 }, 'rewritten (or renewed by a worker with another secret): not dead');
  });

  test('the wait is the longest lease known: its own, or a longer one a believed record had', () => {
    const watch = new LeaseWatch(500);
    const long = stored({ ...FIELDS, leaseMs: 2_000 });
    watch.read(state(long), judgeLease(seals, state(long)), 0);
    assert.deepEqual(watch.read(state({ ...long, seal: '', digest: 'f' }), { kind: 'forged', reason: 'unsigned' }, 100), { kind: 'forged', reason: 'unsigned', takeoverAt: 2_100 });
  });
});
