import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { Keyring } from '../../src/protocol/keyring.js';
import type { Decoded, RejectionReason } from '../../src/protocol/rejection.js';
import { ackSigningString, decodeAck, encodeAck, parseAck, type Ack, type AckCheck, type UnsignedAck } from '../../src/protocol/ack.js';
import { encodeSignal, signalSigningString } from '../../src/protocol/signal.js';
import { SECRET_A, SECRET_B, flipHexChar, keyringA, keyringB, mulberry32, randomJson, randomString } from './fixtures.js';

const T = 1_700_000_000_000;
const WINDOW = 300_000;

const check = (overrides: Partial<AckCheck> = {}): AckCheck => ({
  keyring: keyringA(),
  senderId: 'coord-1',
  replayWindowMs: WINDOW,
  ...overrides,
});

const bare: UnsignedAck = {
  messageId: 'coord-1:wake:1699999999000',
  coordinatorId: 'coord-2',
  senderId: 'coord-1',
  status: 'processed',
  timestamp: T,
};
const withIteration: UnsignedAck = { ...bare, iteration: 4 };
const withResult: UnsignedAck = { ...withIteration, result: { verdict: 'approve', confidence: 0.9, notes: ['a', { b: null }] } };

function expectRejected(result: Decoded<Ack>, reason: RejectionReason, label = ''): void {
  assert.equal(result.ok, false, `${label}: expected rejection ${reason}, got ${JSON.stringify(result)}`);
  if (!result.ok) {
    assert.equal(result.reason, reason, `${label}: ${result.detail}`);
    assert.ok(result.detail.length > 0);
  }
}

function mutate(body: string, change: (json: Record<string, unknown>) => void): string {
  const json = JSON.parse(body) as Record<string, unknown>;
  change(json);
  return JSON.stringify(json);
}

describe('ackSigningString', () => {
  test('covers every field, status included, under a domain line', () => {
    assert.equal(ackSigningString(bare), 'rdv-ack-v1\ncoord-2:coord-1:coord-1:wake:1699999999000:processed:1700000000000');
    assert.equal(ackSigningString(withIteration), 'rdv-ack-v1\ncoord-2:coord-1:coord-1:wake:1699999999000:processed:1700000000000:iteration=4');
  });

  test('an answer is covered by the sha256 of its key-sorted JSON, after the iteration and before replaces', () => {
    const hash = createHash('sha256').update('{"confidence":0.9,"notes":["a",{"b":null}],"verdict":"approve"}').digest('hex');
    assert.equal(ackSigningString({ ...withResult, replaces: 'coord-9' }), `${ackSigningString(withIteration)}:result=${hash}:replaces=coord-9`);
    // Key order does not matter, every value does; null is an answer too.
    assert.equal(ackSigningString({ ...withIteration, result: { notes: ['a', { b: null }], verdict: 'approve', confidence: 0.9 } }), ackSigningString(withResult));
    assert.notEqual(ackSigningString({ ...withIteration, result: { ...(withResult.result as object), confidence: 0.8 } }), ackSigningString(withResult));
    assert.notEqual(ackSigningString({ ...withIteration, result: null }), ackSigningString(withIteration));
  });

  test('changes with every field', () => {
    const base = ackSigningString(withIteration);
    const variants: UnsignedAck[] = [
      { ...withIteration, messageId: 'coord-1:wake:1699999999001' },
      { ...withIteration, coordinatorId: 'coord-3' },
      { ...withIteration, senderId: 'coord-3' },
      { ...withIteration, status: 'rejected' },
      { ...withIteration, timestamp: T + 1 },
      { ...withIteration, iteration: 5 },
      bare,
    ];
    for (const variant of variants) assert.notEqual(ackSigningString(variant), base, JSON.stringify(variant));
  });

  test('can never equal a signal signing string (a signal signature never passes as an ACK signature)', () => {
    const signalString = signalSigningString({ senderId: 'coord-2', receiverId: 'coord-1', type: 'wake', timestamp: T });
    assert.ok(ackSigningString(bare).includes('\n'));
    assert.ok(!signalString.includes('\n'));
  });
});

describe('encodeAck / decodeAck round trip', () => {
  for (const [label, unsigned] of [
    ['without iteration', bare],
    ['with iteration', withIteration],
    ['iteration 0', { ...bare, iteration: 0 }],
    ['status received', { ...bare, status: 'received' }],
    ['status rejected', { ...bare, status: 'rejected' }],
    ['with an answer', withResult],
    ['with a null answer', { ...bare, result: null }],
  ] as [string, UnsignedAck][]) {
    test(label, () => {
      const keyring = keyringA();
      const { body, ack } = encodeAck(unsigned, keyring);
      assert.equal(ack.signature, createHmac('sha256', SECRET_A).update(ackSigningString(unsigned)).digest('hex'));
      assert.deepEqual({ ...ack, signature: undefined }, { ...unsigned, signature: undefined });
      const json = JSON.parse(body) as Record<string, unknown>;
      assert.equal(json.v, unsigned.result === undefined ? 1 : 2);
      const decoded = decodeAck(body, T + 5, check());
      assert.equal(decoded.ok, true, JSON.stringify(decoded));
      if (decoded.ok) assert.deepEqual(decoded.value, ack);
    });
  }

  test('an ACK is stored as v 1, or v 2 when it carries a result (readers from before results refuse it as malformed)', () => {
    const keyring = keyringA();
    assert.equal((JSON.parse(encodeAck(bare, keyring).body) as { v: number }).v, 1);
    assert.equal((JSON.parse(encodeAck(withResult, keyring).body) as { v: number }).v, 2);
    assert.equal((JSON.parse(encodeAck({ ...bare, result: null }, keyring).body) as { v: number }).v, 2);
    expectRejected(decodeAck(mutate(encodeAck(bare, keyring).body, (j) => (j.v = 3)), T, check()), 'malformed');
    expectRejected(decodeAck(mutate(encodeAck(withResult, keyring).body, (j) => (j.v = 1)), T, check()), 'malformed');
  });

  test('an ACK signed by the verify-only secret of a rotation verifies', () => {
    const { body } = encodeAck(bare, keyringB());
    const rotating = new Keyring(Buffer.from(SECRET_A), [Buffer.from(SECRET_B)]);
    assert.equal(decodeAck(body, T, check({ keyring: rotating })).ok, true);
    expectRejected(decodeAck(body, T, check()), 'bad_signature');
  });
});

describe('decodeAck rejections', () => {
  const keyring = keyringA();
  const { body } = encodeAck(withIteration, keyring);

  test('malformed JSON → malformed', () => {
    for (const input of ['', '{', 'nope', body.slice(0, -2)]) expectRejected(decodeAck(input, T, check()), 'malformed');
  });

  test('schema violations → malformed', () => {
    const changes: ((j: Record<string, unknown>) => void)[] = [
      (j) => (j.v = 2),
      (j) => delete j.v,
      (j) => delete j.messageId,
      (j) => delete j.coordinatorId,
      (j) => delete j.senderId,
      (j) => delete j.status,
      (j) => delete j.timestamp,
      (j) => (j.status = 'processed ok'),
      (j) => (j.status = ''),
      (j) => (j.coordinatorId = 'coord:2'),
      (j) => (j.senderId = '{coord-1}'),
      (j) => (j.timestamp = -1),
      (j) => (j.timestamp = 1.5),
      (j) => (j.iteration = -1),
      (j) => (j.iteration = '4'),
      (j) => (j.messageId = ''),
      (j) => (j.messageId = 'x'.repeat(257)),
      (j) => (j.signature = 42),
    ];
    for (const change of changes) expectRejected(decodeAck(mutate(body, change), T, check()), 'malformed');
    for (const input of ['null', '[]', '1', '"ack"', '{}']) expectRejected(decodeAck(input, T, check()), 'malformed');
  });

  test('unsigned, wrong length, forged', () => {
    expectRejected(decodeAck(mutate(body, (j) => delete j.signature), T, check()), 'unsigned');
    expectRejected(decodeAck(mutate(body, (j) => (j.signature = '')), T, check()), 'unsigned');
    for (const length of [63, 65, 128]) {
      expectRejected(decodeAck(mutate(body, (j) => (j.signature = 'b'.repeat(length))), T, check()), 'signature_length');
    }
    expectRejected(decodeAck(mutate(body, (j) => (j.signature = 'q'.repeat(64))), T, check()), 'bad_signature');
    expectRejected(decodeAck(encodeAck(withIteration, keyringB()).body, T, check()), 'bad_signature');
    expectRejected(decodeAck(mutate(body, (j) => (j.signature = flipHexChar(j.signature as string, 0))), T, check()), 'bad_signature');
  });

  test('status is covered by the signature: changing it → bad_signature', () => {
    for (const status of ['rejected', 'received', 'processed2']) {
      const result = decodeAck(mutate(body, (j) => (j.status = status)), T, check());
      expectRejected(result, 'bad_signature');
      if (!result.ok) assert.equal(result.messageId, withIteration.messageId);
    }
  });

  test('every other signed field is covered: changing it → bad_signature', () => {
    const changes: [string, (j: Record<string, unknown>) => void][] = [
      ['messageId', (j) => (j.messageId = 'coord-1:wake:1699999999001')],
      ['coordinatorId', (j) => (j.coordinatorId = 'coord-3')],
      ['timestamp', (j) => (j.timestamp = T + 1)],
      ['iteration changed', (j) => (j.iteration = 5)],
      ['iteration removed', (j) => delete j.iteration],
      ['an answer added (as v 2)', (j) => ((j.result = { verdict: 'approve' }), (j.v = 2))],
    ];
    for (const [label, change] of changes) {
      expectRejected(decodeAck(mutate(body, change), T, check()), 'bad_signature', label);
    }
    const answered = encodeAck(withResult, keyring).body;
    const answerChanges: [string, (j: Record<string, unknown>) => void][] = [
      ['answer changed', (j) => ((j.result as Record<string, unknown>).verdict = 'reject')],
      ['answer nested value changed', (j) => ((j.result as { notes: unknown[] }).notes[1] = { b: 0 })],
      ['answer removed (as v 1)', (j) => (delete j.result, (j.v = 1))],
      ['answer null', (j) => (j.result = null)],
    ];
    for (const [label, change] of answerChanges) {
      expectRejected(decodeAck(mutate(answered, change), T, check()), 'bad_signature', label);
    }
    expectRejected(decodeAck(mutate(body, (j) => (j.result = { verdict: 'approve' })), T, check()), 'malformed', 'an answer added to a v 1 ACK');
    expectRejected(decodeAck(mutate(answered, (j) => delete j.result), T, check()), 'malformed', 'the answer removed from a v 2 ACK');
    // Values the canonical form hashes alike are refused before the signature is checked.
    const withNull = encodeAck({ ...bare, result: { verdict: null, votes: 0 } }, keyring).body;
    assert.equal(decodeAck(withNull, T, check()).ok, true);
    expectRejected(decodeAck(withNull.replace('"verdict":null', '"verdict":1e999'), T, check()), 'malformed', '1e999 for null');
    expectRejected(decodeAck(withNull.replace('"votes":0', '"votes":-0'), T, check()), 'malformed', '-0 for 0');
    const iterationZero = encodeAck({ ...bare, iteration: 0 }, keyring).body;
    assert.equal(decodeAck(iterationZero, T, check()).ok, true);
    expectRejected(decodeAck(iterationZero.replace('"iteration":0', '"iteration":-0'), T, check()), 'malformed', '-0 for an iteration of 0');
    expectRejected(decodeAck(withNull, T, check({ maxBodyBytes: withNull.length - 1 })), 'malformed', 'over maxBodyBytes');
    assert.equal(decodeAck(withNull, T, check({ maxBodyBytes: withNull.length })).ok, true);
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    expectRejected(decodeAck(withNull.replace('{"verdict":null,"votes":0}', deep), T, check()), 'malformed', 'nested 200,000 deep');
    expectRejected(decodeAck(mutate(encodeAck(bare, keyring).body, (j) => (j.iteration = 0)), T, check()), 'bad_signature');
  });

  test('an ACK for another sender → wrong_receiver', () => {
    const result = decodeAck(body, T, check({ senderId: 'coord-3' }));
    expectRejected(result, 'wrong_receiver');
    if (!result.ok) assert.equal(result.messageId, withIteration.messageId);
    expectRejected(decodeAck(body, T, check({ senderId: 'coord-10' })), 'wrong_receiver');
  });

  test('senderId changed and read by that sender → bad_signature', () => {
    expectRejected(decodeAck(mutate(body, (j) => (j.senderId = 'coord-3')), T, check({ senderId: 'coord-3' })), 'bad_signature');
  });

  test('a signal signature over the same text does not pass as an ACK signature', () => {
    const { signal } = encodeSignal({ senderId: 'coord-2', receiverId: 'coord-1', type: 'wake', timestamp: T }, keyring);
    expectRejected(decodeAck(mutate(body, (j) => (j.signature = signal.signature)), T, check()), 'bad_signature');
  });

  describe('replay window', () => {
    test('exactly at the window is accepted, one ms beyond is rejected', () => {
      assert.equal(decodeAck(body, T + WINDOW, check()).ok, true);
      expectRejected(decodeAck(body, T + WINDOW + 1, check()), 'replay_window');
      assert.equal(decodeAck(body, T - WINDOW, check()).ok, true);
      expectRejected(decodeAck(body, T - WINDOW - 1, check()), 'replay_window');
    });

    test('entryTime undefined skips the window check', () => {
      const old = encodeAck({ ...withIteration, timestamp: 0 }, keyring).body;
      assert.equal(decodeAck(old, undefined, check()).ok, true);
      expectRejected(decodeAck(old, T, check()), 'replay_window');
    });

    test('entryTime undefined still verifies the signature and sender', () => {
      expectRejected(decodeAck(mutate(body, (j) => (j.status = 'rejected')), undefined, check()), 'bad_signature');
      expectRejected(decodeAck(body, undefined, check({ senderId: 'coord-3' })), 'wrong_receiver');
    });
  });

  test('never throws on random input (deterministic fuzz)', () => {
    const rand = mulberry32(99);
    for (let i = 0; i < 300; i++) {
      const input = i % 2 === 0 ? randomString(rand, 100) : (JSON.stringify(randomJson(rand, 3)) ?? 'null');
      let result: Decoded<Ack> | undefined;
      assert.doesNotThrow(() => {
        result = decodeAck(input, i % 3 === 0 ? undefined : T, check());
      });
      assert.equal((result as Decoded<Ack>).ok, false, input);
    }
  });
});

describe('parseAck', () => {
  test('parses a stored ACK without verifying it', () => {
    const { body, ack } = encodeAck(withIteration, keyringA());
    assert.deepEqual(parseAck(body), ack);
    // a different secret's ACK still parses: parseAck is for ACKs this coordinator itself wrote
    const other = encodeAck(withIteration, keyringB());
    assert.deepEqual(parseAck(other.body), other.ack);
  });

  test('drops the v field', () => {
    const parsed = parseAck(encodeAck(bare, keyringA()).body);
    assert.ok(parsed);
    assert.equal('v' in parsed, false);
    assert.equal(parsed.iteration, undefined);
  });

  test('returns undefined for unsigned, malformed or schema-violating bodies', () => {
    const { body } = encodeAck(bare, keyringA());
    assert.equal(parseAck(mutate(body, (j) => delete j.signature)), undefined);
    assert.equal(parseAck(mutate(body, (j) => (j.status = 'not an id'))), undefined);
    assert.equal(parseAck(mutate(body, (j) => (j.v = 2))), undefined);
    for (const input of ['', '{', 'null', '[]', '42', '{}']) assert.equal(parseAck(input), undefined, input);
  });

  test('never throws on random input', () => {
    const rand = mulberry32(3);
    for (let i = 0; i < 200; i++) {
      const input = randomString(rand, 80);
      assert.doesNotThrow(() => parseAck(input));
    }
  });
});
