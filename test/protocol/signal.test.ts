import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { Keyring } from '../../src/protocol/keyring.js';
import { canonicalHash } from '../../src/protocol/canonical-json.js';
import type { Decoded, RejectionReason } from '../../src/protocol/rejection.js';
import {
  SIGNAL_TYPES,
  decodeSignal,
  deriveMessageId,
  encodeSignal,
  signalSigningString,
  type Signal,
  type SignalCheck,
  type UnsignedSignal,
} from '../../src/protocol/signal.js';
import { SECRET_A, SECRET_B, flipHexChar, keyringA, keyringB, mulberry32, pick, randomInt, randomJson, randomString } from './fixtures.js';

const T = 1_700_000_000_000;
const WINDOW = 300_000;

const check = (overrides: Partial<SignalCheck> = {}): SignalCheck => ({
  keyring: keyringA(),
  receiverId: 'coord-2',
  replayWindowMs: WINDOW,
  ...overrides,
});

const bare: UnsignedSignal = { senderId: 'coord-1', receiverId: 'coord-2', type: 'wake', timestamp: T };
const full: UnsignedSignal<{ vote: string; score: number; nested: { b: number; a: number[] } }> = {
  senderId: 'coord-1',
  receiverId: 'coord-2',
  type: 'completion',
  timestamp: T,
  iteration: 3,
  payload: { vote: 'approve', score: 0.92, nested: { b: 2, a: [1, 2, 3] } },
  idempotencyKey: 'round-3.vote',
};

function expectRejected(result: Decoded<Signal>, reason: RejectionReason): void {
  assert.equal(result.ok, false, `expected rejection ${reason}, got ${JSON.stringify(result)}`);
  if (!result.ok) {
    assert.equal(result.reason, reason, result.detail);
    assert.equal(typeof result.detail, 'string');
    assert.ok(result.detail.length > 0);
  }
}

/** Re-serialises an encoded body after changing it. */
function mutate(body: string, change: (json: Record<string, unknown>) => void): string {
  const json = JSON.parse(body) as Record<string, unknown>;
  change(json);
  return JSON.stringify(json);
}

describe('signalSigningString', () => {
  test('is exactly senderId:receiverId:type:timestamp with no iteration, payload or idempotency key', () => {
    assert.equal(signalSigningString(bare), 'coord-1:coord-2:wake:1700000000000');
  });

  test('appends :iteration=<n>', () => {
    assert.equal(signalSigningString({ ...bare, iteration: 0 }), 'coord-1:coord-2:wake:1700000000000:iteration=0');
    assert.equal(signalSigningString({ ...bare, iteration: 7 }), 'coord-1:coord-2:wake:1700000000000:iteration=7');
  });

  test('appends :payload=<sha256 hex of key-sorted JSON>', () => {
    const payload = { b: 1, a: 'x' };
    const sha = createHash('sha256').update('{"a":"x","b":1}', 'utf8').digest('hex');
    assert.equal(canonicalHash(payload), sha);
    assert.equal(signalSigningString({ ...bare, payload }), `coord-1:coord-2:wake:1700000000000:payload=${sha}`);
  });

  test('covers a null or falsy payload (only undefined is "no payload")', () => {
    for (const payload of [null, 0, '', false]) {
      assert.equal(signalSigningString({ ...bare, payload }), `${signalSigningString(bare)}:payload=${canonicalHash(payload)}`);
    }
  });

  test('appends :idempotencyKey=<key>', () => {
    assert.equal(signalSigningString({ ...bare, idempotencyKey: 'k-1' }), 'coord-1:coord-2:wake:1700000000000:idempotencyKey=k-1');
  });

  test('appends :seq=<n> first, and the messageId carries it as .<n>', () => {
    assert.equal(signalSigningString({ ...bare, seq: 2, iteration: 1 }), 'coord-1:coord-2:wake:1700000000000:seq=2:iteration=1');
    assert.equal(deriveMessageId('coord-1', 'wake', T, 2), `coord-1:wake:${T}.2`);
    assert.equal(deriveMessageId('coord-1', 'wake', T), `coord-1:wake:${T}`);
  });

  test('appends all fields in the documented order: iteration, payload, idempotencyKey', () => {
    assert.equal(
      signalSigningString(full),
      `coord-1:coord-2:completion:1700000000000:iteration=3:payload=${canonicalHash(full.payload)}:idempotencyKey=round-3.vote`,
    );
  });

  test('does not depend on the order of the object fields', () => {
    const reordered: UnsignedSignal = {
      idempotencyKey: 'round-3.vote',
      payload: { nested: { a: [1, 2, 3], b: 2 }, score: 0.92, vote: 'approve' },
      iteration: 3,
      timestamp: T,
      type: 'completion',
      receiverId: 'coord-2',
      senderId: 'coord-1',
    };
    assert.equal(signalSigningString(reordered), signalSigningString(full));
  });

  test('the runbook openssl recipe over the bare signing string reproduces the signature', () => {
    const { signal } = encodeSignal(bare, keyringA());
    const expected = createHmac('sha256', SECRET_A).update('coord-1:coord-2:wake:1700000000000').digest('hex');
    assert.equal(signal.signature, expected);
  });
});

describe('deriveMessageId', () => {
  test('is sender:type:timestamp', () => {
    assert.equal(deriveMessageId('coord-1', 'wake', T), 'coord-1:wake:1700000000000');
    assert.equal(deriveMessageId('a', 'b', 0), 'a:b:0');
  });
});

describe('encodeSignal / decodeSignal round trip', () => {
  test('SIGNAL_TYPES lists the runbook types', () => {
    assert.deepEqual([...SIGNAL_TYPES], ['wake', 'completion', 'validate', 'decide', 'checkpoint', 'status_update', 'retry_request', 'error']);
  });

  for (const [label, unsigned] of [
    ['bare signal', bare],
    ['signal with every field', full],
    ['iteration 0', { ...bare, iteration: 0 }],
    ['null payload', { ...bare, payload: null }],
    ['string payload', { ...bare, payload: 'hello ✓' }],
    ['array payload', { ...bare, payload: [3, 'x', { z: 1, a: null }] }],
    ['timestamp 0', { ...bare, timestamp: 0 }],
    ['custom type', { ...bare, type: 'my.custom-type_1' }],
  ] as [string, UnsignedSignal][]) {
    test(label, () => {
      const keyring = keyringA();
      const { body, signal } = encodeSignal(unsigned, keyring);
      assert.equal(signal.messageId, deriveMessageId(unsigned.senderId, unsigned.type, unsigned.timestamp));
      assert.equal(signal.signature, keyring.sign(signalSigningString(unsigned)));
      const json = JSON.parse(body) as Record<string, unknown>;
      assert.equal(json.v, 1);
      assert.equal(json.messageId, signal.messageId);
      assert.equal(json.signature, signal.signature);
      const decoded = decodeSignal(body, unsigned.timestamp + 10, check({ receiverId: unsigned.receiverId }));
      assert.equal(decoded.ok, true, JSON.stringify(decoded));
      if (decoded.ok) assert.deepEqual(decoded.value, signal);
    });
  }

  test('decoded signal has no v field and no entryId', () => {
    const { body } = encodeSignal(full, keyringA());
    const decoded = decodeSignal(body, T, check());
    assert.ok(decoded.ok);
    assert.equal('v' in decoded.value, false);
    assert.equal(decoded.value.entryId, undefined);
  });

  test('unknown extra fields in the body are dropped, not trusted', () => {
    const { body, signal } = encodeSignal(bare, keyringA());
    const decoded = decodeSignal(mutate(body, (j) => (j.admin = true)), T, check());
    assert.ok(decoded.ok);
    assert.deepEqual(decoded.value, signal);
    assert.equal('admin' in decoded.value, false);
  });

  test('payload key order does not matter: a body re-serialised with payload keys reordered still verifies', () => {
    const { body, signal } = encodeSignal(full, keyringA());
    const reordered = mutate(body, (j) => {
      j.payload = { nested: { a: [1, 2, 3], b: 2 }, score: 0.92, vote: 'approve' };
    });
    assert.notEqual(reordered, body);
    const decoded = decodeSignal(reordered, T, check());
    assert.equal(decoded.ok, true, JSON.stringify(decoded));
    if (decoded.ok) assert.deepEqual(decoded.value.payload, signal.payload);
  });

  test('order of the top-level body fields does not matter', () => {
    const { body, signal } = encodeSignal(full, keyringA());
    const json = JSON.parse(body) as Record<string, unknown>;
    const reversed = Object.fromEntries(Object.entries(json).reverse());
    const decoded = decodeSignal(JSON.stringify(reversed), T, check());
    assert.ok(decoded.ok);
    assert.deepEqual(decoded.value, signal);
  });

  test('a signal signed by the verify-only (new) secret of a rotation verifies', () => {
    const { body } = encodeSignal(full, keyringB());
    const rotating = new Keyring(Buffer.from(SECRET_A), [Buffer.from(SECRET_B)]);
    assert.equal(decodeSignal(body, T, check({ keyring: rotating })).ok, true);
    expectRejected(decodeSignal(body, T, check({ keyring: keyringA() })), 'bad_signature');
  });
});

describe('decodeSignal rejections', () => {
  const keyring = keyringA();
  const { body: fullBody } = encodeSignal(full, keyring);
  const { body: bareBody } = encodeSignal(bare, keyring);

  describe('malformed JSON', () => {
    for (const body of ['', 'not json', '{', '{"v":1,', "{'v':1}", 'undefined', '\u0000', fullBody.slice(0, -1)]) {
      test(JSON.stringify(body.length > 30 ? `${body.slice(0, 30)}…` : body), () => {
        expectRejected(decodeSignal(body, T, check()), 'malformed');
      });
    }
  });

  describe('schema violations → malformed', () => {
    for (const body of ['null', '[]', '42', '"signal"', 'true', '{}']) {
      test(`JSON ${body}`, () => {
        expectRejected(decodeSignal(body, T, check()), 'malformed');
      });
    }

    for (const field of ['v', 'messageId', 'senderId', 'receiverId', 'type', 'timestamp']) {
      test(`missing ${field}`, () => {
        expectRejected(decodeSignal(mutate(fullBody, (j) => delete j[field]), T, check()), 'malformed');
      });
    }

    const violations: [label: string, change: (j: Record<string, unknown>) => void][] = [
      ['v = 2', (j) => (j.v = 2)],
      ['v = "1"', (j) => (j.v = '1')],
      ['v = 0', (j) => (j.v = 0)],
      ['senderId with a colon', (j) => (j.senderId = 'coord:1')],
      ['senderId with a brace', (j) => (j.senderId = '{coord-1}')],
      ['senderId with a star', (j) => (j.senderId = 'coord-*')],
      ['senderId empty', (j) => (j.senderId = '')],
      ['senderId 65 characters', (j) => (j.senderId = 'x'.repeat(65))],
      ['senderId a number', (j) => (j.senderId = 1)],
      ['receiverId with a space', (j) => (j.receiverId = 'coord 2')],
      ['receiverId unicode', (j) => (j.receiverId = 'coörd-2')],
      ['type with a colon', (j) => (j.type = 'wake:up')],
      ['type null', (j) => (j.type = null)],
      ['negative timestamp', (j) => (j.timestamp = -1)],
      ['fractional timestamp', (j) => (j.timestamp = T + 0.5)],
      ['string timestamp', (j) => (j.timestamp = String(T))],
      ['timestamp beyond the safe integers', (j) => (j.timestamp = 2 ** 60)],
      ['negative iteration', (j) => (j.iteration = -1)],
      ['fractional iteration', (j) => (j.iteration = 1.5)],
      ['string iteration', (j) => (j.iteration = '3')],
      ['null iteration', (j) => (j.iteration = null)],
      ['idempotencyKey with a colon', (j) => (j.idempotencyKey = 'a:b')],
      ['idempotencyKey empty', (j) => (j.idempotencyKey = '')],
      ['empty messageId', (j) => (j.messageId = '')],
      ['messageId longer than 256', (j) => (j.messageId = 'x'.repeat(257))],
      ['messageId a number', (j) => (j.messageId = 5)],
      ['signature a number', (j) => (j.signature = 42)],
      ['signature null', (j) => (j.signature = null)],
    ];
    for (const [label, change] of violations) {
      test(label, () => {
        expectRejected(decodeSignal(mutate(fullBody, change), T, check()), 'malformed');
      });
    }
  });

  describe('signature problems', () => {
    test('no signature field → unsigned', () => {
      expectRejected(decodeSignal(mutate(fullBody, (j) => delete j.signature), T, check()), 'unsigned');
      expectRejected(decodeSignal(mutate(bareBody, (j) => delete j.signature), T, check()), 'unsigned');
    });

    test('empty signature → unsigned', () => {
      expectRejected(decodeSignal(mutate(fullBody, (j) => (j.signature = '')), T, check()), 'unsigned');
    });

    for (const length of [1, 63, 65, 128]) {
      test(`${length}-character signature → signature_length`, () => {
        const result = decodeSignal(mutate(fullBody, (j) => (j.signature = 'a'.repeat(length))), T, check());
        expectRejected(result, 'signature_length');
        if (!result.ok) assert.equal(result.messageId, 'coord-1:completion:1700000000000');
      });
    }

    test('64 non-hex characters → bad_signature', () => {
      expectRejected(decodeSignal(mutate(fullBody, (j) => (j.signature = 'x'.repeat(64))), T, check()), 'bad_signature');
    });

    test('forged with another secret → bad_signature', () => {
      const { body } = encodeSignal(full, keyringB());
      expectRejected(decodeSignal(body, T, check()), 'bad_signature');
      const { body: bareForged } = encodeSignal(bare, keyringB());
      expectRejected(decodeSignal(bareForged, T, check()), 'bad_signature');
    });

    test('one flipped signature character → bad_signature', () => {
      const result = decodeSignal(mutate(fullBody, (j) => (j.signature = flipHexChar(j.signature as string, 10))), T, check());
      expectRejected(result, 'bad_signature');
      if (!result.ok) assert.equal(result.messageId, 'coord-1:completion:1700000000000');
    });

    test('an ACK-style signature over the same fields does not pass as a signal signature', () => {
      const signature = keyring.sign(`rdv-ack-v1\n${signalSigningString(bare)}`);
      expectRejected(decodeSignal(mutate(bareBody, (j) => (j.signature = signature)), T, check()), 'bad_signature');
    });
  });

  describe('tampered fields', () => {
    // Changing a field that the messageId derives from, leaving the messageId alone, is caught as a
    // mismatch; changing the messageId along with it is caught by the signature.
    const derived: [field: 'senderId' | 'type' | 'timestamp', value: string | number][] = [
      ['senderId', 'coord-3'],
      ['type', 'decide'],
      ['timestamp', T + 1],
    ];
    for (const [field, value] of derived) {
      test(`${field} changed → message_id_mismatch`, () => {
        expectRejected(decodeSignal(mutate(fullBody, (j) => (j[field] = value)), T, check()), 'message_id_mismatch');
      });
      test(`${field} and messageId changed consistently → bad_signature`, () => {
        const body = mutate(fullBody, (j) => {
          j[field] = value;
          j.messageId = deriveMessageId(j.senderId as string, j.type as string, j.timestamp as number);
        });
        expectRejected(decodeSignal(body, T, check()), 'bad_signature');
      });
    }

    test('seq added → message_id_mismatch; seq and messageId added consistently → bad_signature', () => {
      expectRejected(decodeSignal(mutate(fullBody, (j) => (j.seq = 1)), T, check()), 'message_id_mismatch');
      const body = mutate(fullBody, (j) => {
        j.seq = 1;
        j.messageId = `${String(j.messageId)}.1`;
      });
      expectRejected(decodeSignal(body, T, check()), 'bad_signature');
    });

    test('messageId alone changed → message_id_mismatch', () => {
      const result = decodeSignal(mutate(fullBody, (j) => (j.messageId = 'coord-1:completion:1700000000001')), T, check());
      expectRejected(result, 'message_id_mismatch');
      if (!result.ok) assert.equal(result.messageId, 'coord-1:completion:1700000000001');
    });

    const covered: [label: string, change: (j: Record<string, unknown>) => void][] = [
      ['iteration changed', (j) => (j.iteration = 4)],
      ['iteration removed', (j) => delete j.iteration],
      ['payload value changed', (j) => ((j.payload as { vote: string }).vote = 'reject')],
      ['nested payload value changed', (j) => ((j.payload as { nested: { a: number[] } }).nested.a = [1, 2, 4])],
      ['payload key added', (j) => ((j.payload as Record<string, unknown>).extra = 1)],
      ['payload number as string', (j) => ((j.payload as Record<string, unknown>).score = '0.92')],
      ['payload removed', (j) => delete j.payload],
      ['payload replaced by null', (j) => (j.payload = null)],
      ['idempotencyKey changed', (j) => (j.idempotencyKey = 'round-4.vote')],
      ['idempotencyKey removed', (j) => delete j.idempotencyKey],
    ];
    for (const [label, change] of covered) {
      test(`${label} → bad_signature`, () => {
        expectRejected(decodeSignal(mutate(fullBody, change), T, check()), 'bad_signature');
      });
    }

    const added: [label: string, change: (j: Record<string, unknown>) => void][] = [
      ['iteration added to a bare signal', (j) => (j.iteration = 0)],
      ['payload added to a bare signal', (j) => (j.payload = { x: 1 })],
      ['null payload added to a bare signal', (j) => (j.payload = null)],
      ['idempotencyKey added to a bare signal', (j) => (j.idempotencyKey = 'k')],
    ];
    for (const [label, change] of added) {
      test(`${label} → bad_signature`, () => {
        expectRejected(decodeSignal(mutate(bareBody, change), T, check()), 'bad_signature');
      });
    }

    test('a payload value the canonical form would hash alike (1e999 for null, -0 for 0) → malformed, not accepted', () => {
      const { body } = encodeSignal({ ...bare, payload: { score: null, count: 0 } }, keyring);
      assert.equal(decodeSignal(body, T, check()).ok, true);
      const withIteration = encodeSignal({ ...bare, iteration: 0 }, keyring).body;
      for (const forged of [body.replace('"score":null', '"score":1e999'), body.replace('"count":0', '"count":-0'), withIteration.replace('"iteration":0', '"iteration":-0')]) {
        assert.notEqual(forged, body);
        expectRejected(decodeSignal(forged, T, check()), 'malformed');
      }
    });

    test('a body longer than maxBodyBytes → malformed before it is parsed; one at the limit is read', () => {
      const { body } = encodeSignal({ ...bare, payload: 'x'.repeat(500) }, keyring);
      assert.equal(decodeSignal(body, T, check({ maxBodyBytes: body.length })).ok, true);
      expectRejected(decodeSignal(body, T, check({ maxBodyBytes: body.length - 1 })), 'malformed');
      const result = decodeSignal(`${'['.repeat(100_000)}`, T, check({ maxBodyBytes: 1_000 }));
      assert.ok(!result.ok && /over 1000 bytes/.test(result.detail), 'refused for its size, not parsed');
    });

    test('a payload nested deeper than 1000 levels → malformed, never a thrown stack overflow', () => {
      const deep = '['.repeat(200_000) + ']'.repeat(200_000);
      const body = mutate(bareBody, (j) => (j.payload = 0)).replace('"payload":0', `"payload":${deep}`);
      expectRejected(decodeSignal(body, T, check()), 'malformed');
    });

    test('receiverId changed (and read by the new receiver) → bad_signature', () => {
      const body = mutate(fullBody, (j) => (j.receiverId = 'coord-3'));
      expectRejected(decodeSignal(body, T, check({ receiverId: 'coord-3' })), 'bad_signature');
    });
  });

  describe('wrong receiver', () => {
    test('a signal read by another coordinator → wrong_receiver', () => {
      const result = decodeSignal(fullBody, T, check({ receiverId: 'coord-3' }));
      expectRejected(result, 'wrong_receiver');
      if (!result.ok) assert.equal(result.messageId, 'coord-1:completion:1700000000000');
    });

    test('coord-1 does not accept a signal for coord-10, nor the reverse', () => {
      const { body } = encodeSignal({ ...bare, receiverId: 'coord-10' }, keyring);
      expectRejected(decodeSignal(body, T, check({ receiverId: 'coord-1' })), 'wrong_receiver');
      const { body: body1 } = encodeSignal({ ...bare, receiverId: 'coord-1' }, keyring);
      expectRejected(decodeSignal(body1, T, check({ receiverId: 'coord-10' })), 'wrong_receiver');
    });
  });

  describe('replay window', () => {
    test('stored exactly at the window edge is accepted', () => {
      assert.equal(decodeSignal(fullBody, T + WINDOW, check()).ok, true);
      assert.equal(decodeSignal(fullBody, T - WINDOW, check()).ok, true);
    });

    test('stored more than the window after signing → replay_window', () => {
      expectRejected(decodeSignal(fullBody, T + WINDOW + 1, check()), 'replay_window');
      expectRejected(decodeSignal(fullBody, T + 24 * 3_600_000, check()), 'replay_window');
    });

    test('signed far in the future of the store clock → replay_window', () => {
      expectRejected(decodeSignal(fullBody, T - WINDOW - 1, check()), 'replay_window');
      const { body } = encodeSignal({ ...full, timestamp: T + 3_600_000 }, keyring);
      expectRejected(decodeSignal(body, T, check()), 'replay_window');
    });

    test('the window is the one passed in the check', () => {
      expectRejected(decodeSignal(fullBody, T + 11, check({ replayWindowMs: 10 })), 'replay_window');
      assert.equal(decodeSignal(fullBody, T + 10, check({ replayWindowMs: 10 })).ok, true);
    });

    test('the replay check does not rescue a bad signature (signature is checked too)', () => {
      const { body } = encodeSignal(full, keyringB());
      expectRejected(decodeSignal(body, T, check()), 'bad_signature');
    });
  });
});

describe('decodeSignal never throws (deterministic fuzz)', () => {
  const keyring = keyringA();
  const { body: validBody, signal: validSignal } = encodeSignal(full, keyring);
  const reasons: RejectionReason[] = [
    'malformed',
    'unsigned',
    'signature_length',
    'bad_signature',
    'wrong_receiver',
    'message_id_mismatch',
    'replay_window',
    'replay_processed',
    'duplicate_delivery',
  ];

  function assertRejection(result: Decoded<Signal>, input: string): void {
    assert.equal(result.ok, false, `accepted ${JSON.stringify(input)}`);
    if (!result.ok) {
      assert.ok(reasons.includes(result.reason), result.reason);
      assert.equal(typeof result.detail, 'string');
    }
  }

  test('300 random strings are rejected', () => {
    const rand = mulberry32(0x5eed);
    for (let i = 0; i < 300; i++) {
      const input = randomString(rand, 120);
      let result: Decoded<Signal> | undefined;
      assert.doesNotThrow(() => {
        result = decodeSignal(input, T, check());
      }, `input ${JSON.stringify(input)}`);
      assertRejection(result as Decoded<Signal>, input);
    }
  });

  test('300 random JSON values are rejected', () => {
    const rand = mulberry32(42);
    for (let i = 0; i < 300; i++) {
      const input = JSON.stringify(randomJson(rand, 4)) ?? 'null';
      let result: Decoded<Signal> | undefined;
      assert.doesNotThrow(() => {
        result = decodeSignal(input, T, check());
      });
      assertRejection(result as Decoded<Signal>, input);
    }
  });

  test('300 signal-shaped objects with random field values are rejected', () => {
    const rand = mulberry32(7);
    const fieldValues = (): unknown =>
      pick(rand, [
        undefined,
        null,
        randomJson(rand, 2),
        randomString(rand, 10),
        randomInt(rand, 100),
        -randomInt(rand, 100),
        'coord-2',
        'coord-1',
        T,
        'a'.repeat(64),
        'f'.repeat(randomInt(rand, 130)),
        validSignal.signature,
      ]);
    for (let i = 0; i < 300; i++) {
      const json: Record<string, unknown> = { v: pick(rand, [1, 1, 1, 2, '1', null]) };
      for (const field of ['messageId', 'senderId', 'receiverId', 'type', 'timestamp', 'iteration', 'payload', 'idempotencyKey', 'signature']) {
        const value = fieldValues();
        if (value !== undefined) json[field] = value;
      }
      const input = JSON.stringify(json);
      let result: Decoded<Signal> | undefined;
      assert.doesNotThrow(() => {
        result = decodeSignal(input, T, check());
      });
      assertRejection(result as Decoded<Signal>, input);
    }
  });

  test('300 single-character mutations of a valid body never throw and never yield a different signal', () => {
    const rand = mulberry32(1234);
    const replacements = '0123456789abcdefxyz{}[]":,.-_ \\é';
    let rejectedCount = 0;
    for (let i = 0; i < 300; i++) {
      const at = randomInt(rand, validBody.length);
      const input = validBody.slice(0, at) + pick(rand, [...replacements]) + validBody.slice(at + 1);
      let result: Decoded<Signal> | undefined;
      assert.doesNotThrow(() => {
        result = decodeSignal(input, T, check());
      });
      const decoded = result as Decoded<Signal>;
      if (decoded.ok) {
        // only a mutation that left the body unchanged in meaning may pass
        assert.deepEqual(decoded.value, validSignal, `mutation at ${at} accepted: ${input}`);
      } else {
        rejectedCount++;
        assert.ok(reasons.includes(decoded.reason));
      }
    }
    assert.ok(rejectedCount > 250, `only ${rejectedCount} of 300 mutations rejected`);
  });

  test('non-string bodies from a misbehaving store are rejected, not thrown', () => {
    for (const value of [undefined, null, 42, {}, Buffer.from(validBody)]) {
      let result: Decoded<Signal> | undefined;
      assert.doesNotThrow(() => {
        result = decodeSignal(value as unknown as string, T, check());
      });
      // a Buffer is coerced by JSON.parse to its string and may verify; everything else is rejected
      if (!Buffer.isBuffer(value)) assert.equal((result as Decoded<Signal>).ok, false);
    }
  });

  test('SECRET fixtures are distinct 32-byte secrets', () => {
    assert.equal(Buffer.byteLength(SECRET_A), 32);
    assert.equal(Buffer.byteLength(SECRET_B), 32);
    assert.notEqual(SECRET_A, SECRET_B);
  });
});
