/**
 * The test vectors of docs/protocol.md (docs/protocol-vectors.json, and the examples printed in the
 * page itself) checked against the library: canonical JSON and its hash, signing strings,
 * signatures, the stored bodies both ways (encode gives the body, decode gives the fields back),
 * and a vector with one byte changed fails. If the code changes the wire, this fails: either the
 * change is a mistake, or it is a new protocol version with new vectors.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { configure } from 'safe-stable-stringify';
import { ackSigningString, decodeAck, encodeAck, type UnsignedAck } from '../../src/protocol/ack.js';
import { parseActivity } from '../../src/protocol/activity.js';
import { canonicalHash, normalizePayload } from '../../src/protocol/canonical-json.js';
import { parseHeartbeat } from '../../src/protocol/heartbeat.js';
import { decodeIdempotencyRecord, encodeIdempotencyRecord } from '../../src/protocol/idempotency-record.js';
import { Keyring } from '../../src/protocol/keyring.js';
import { CONSUMER_GROUP, keys } from '../../src/protocol/keys.js';
import { decodeSignal, deriveMessageId, encodeSignal, signalSigningString, type UnsignedSignal } from '../../src/protocol/signal.js';
import { pushMessage, entryNeedle } from '../../src/store/push.js';

interface Vectors {
  protocol: number;
  secret: string;
  secretNew: string;
  keys: { name: keyof typeof keys; args: string[]; key: string }[];
  canonicalJson: { name: string; json: string; canonical: string; sha256: string }[];
  refused: { name: string; json: string }[];
  signals: { name: string; signedWith: 'secret' | 'secretNew'; fields: UnsignedSignal; messageId: string; payloadCanonical?: string; payloadSha256?: string; signingString: string; signature: string; body: string }[];
  acks: { name: string; signedWith: 'secret'; fields: UnsignedAck; resultCanonical?: string; resultSha256?: string; signingString: string; signature: string; body: string }[];
  idempotencyRecords: { name: string; swarmId: string; receiverId: string; idempotencyKey: string; messageId: string; key: string; signingString: string; record: string }[];
  heartbeats: { name: string; body: string }[];
  activities: { name: string; body: string }[];
}

const file = (name: string): string => readFileSync(new URL(`../../docs/${name}`, import.meta.url), 'utf8');
const vectors = JSON.parse(file('protocol-vectors.json')) as Vectors;
const page = file('protocol.md');

const keyOf = (text: string): Buffer => Buffer.from(text, 'utf8');
/** Verifies with both secrets, as during a rotation; signs with `secret`. */
const rotating = new Keyring(keyOf(vectors.secret), [keyOf(vectors.secretNew)]);
const signerOf = (which: 'secret' | 'secretNew'): Keyring => new Keyring(keyOf(vectors[which]));
const canonical = configure({ deterministic: true, bigint: false });
const WINDOW = 300_000;

/** `text` with the character at `at` replaced by another of the same class (hex stays hex). */
function changeOneByte(text: string, at: number): string {
  const c = text[at]!;
  const other = /[0-9a-f]/.test(c) ? (c === '0' ? '1' : '0') : c === 'a' ? 'b' : 'a';
  return text.slice(0, at) + other + text.slice(at + 1);
}

describe('docs/protocol-vectors.json', () => {
  test('is protocol 1, and docs/protocol.md says so and points to it', () => {
    assert.equal(vectors.protocol, 1);
    assert.match(page, /^# Rendezvous protocol 1$/m);
    assert.match(page, /\]\(protocol-vectors\.json\)/);
  });

  test('the consumer group and every key name', () => {
    assert.equal(CONSUMER_GROUP, 'rendezvous');
    assert.ok(vectors.keys.length >= 15);
    for (const { name, args, key } of vectors.keys) assert.equal((keys[name] as (...a: string[]) => string)(...args), key, name);
  });

  test('canonical JSON and its hash', () => {
    for (const v of vectors.canonicalJson) {
      const value = normalizePayload(JSON.parse(v.json));
      assert.equal(canonical(value), v.canonical, v.name);
      assert.equal(canonicalHash(value), v.sha256, v.name);
      // The canonical text is a fixed point: it parses back to the same canonical text.
      assert.equal(canonical(normalizePayload(JSON.parse(v.canonical))), v.canonical, v.name);
    }
  });

  test('what a receiver refuses in a payload (as malformed, before any signature check)', () => {
    const base = vectors.signals[0]!;
    const check = { keyring: rotating, receiverId: base.fields.receiverId, replayWindowMs: WINDOW };
    for (const v of vectors.refused) {
      const body = base.body.replace(',"signature":', `,"payload":${v.json},"signature":`);
      assert.equal(reasonOf(decodeSignal(body, base.fields.timestamp, check)), 'malformed', v.name);
    }
  });

  test('signals: messageId, payload hash, signing string, signature and body, encoded and decoded', () => {
    for (const v of vectors.signals) {
      const { fields } = v;
      assert.equal(deriveMessageId(fields.senderId, fields.type, fields.timestamp, fields.seq), v.messageId, v.name);
      if (fields.payload !== undefined) {
        assert.equal(canonical(fields.payload), v.payloadCanonical, v.name);
        assert.equal(canonicalHash(fields.payload), v.payloadSha256, v.name);
      }
      assert.equal(signalSigningString(fields), v.signingString, v.name);
      const { body, signal } = encodeSignal(fields, signerOf(v.signedWith));
      assert.equal(signal.signature, v.signature, v.name);
      assert.equal(body, v.body, v.name);
      assert.equal(rotating.verify(v.signingString, v.signature), 'ok', v.name);
      // The stored body needle an ACK looks for (compact JSON: "messageId":"...").
      assert.ok(v.body.includes(entryNeedle(v.messageId)), v.name);

      const check = { keyring: rotating, receiverId: fields.receiverId, replayWindowMs: WINDOW };
      const decoded = decodeSignal(v.body, fields.timestamp, check);
      assert.ok(decoded.ok, `${v.name}: ${decoded.ok ? '' : decoded.detail}`);
      assert.deepEqual(decoded.value, { messageId: v.messageId, ...fields, signature: v.signature }, v.name);

      // One byte changed: in the signing string, in the signature, in a signed field of the body.
      for (let at = 0; at < v.signingString.length; at += 7) assert.equal(rotating.verify(changeOneByte(v.signingString, at), v.signature), 'bad_signature', `${v.name} @${at}`);
      const badSignature = v.body.replace(v.signature, changeOneByte(v.signature, 63));
      assert.deepEqual(reasonOf(decodeSignal(badSignature, fields.timestamp, check)), 'bad_signature', v.name);
      const receiverChanged = v.body.replace(`"receiverId":"${fields.receiverId}"`, `"receiverId":"${changeOneByte(fields.receiverId, 0)}"`);
      assert.equal(reasonOf(decodeSignal(receiverChanged, fields.timestamp, { ...check, receiverId: changeOneByte(fields.receiverId, 0) })), 'bad_signature', v.name);
      // Outside the replay window, measured from the store's time of the entry.
      assert.equal(reasonOf(decodeSignal(v.body, fields.timestamp + WINDOW + 1, check)), 'replay_window', v.name);
      assert.ok(decodeSignal(v.body, fields.timestamp + WINDOW, check).ok, v.name);
    }
  });

  test('signals: without the verify-only secret, a rotation vector fails', () => {
    const rotated = vectors.signals.filter((v) => v.signedWith === 'secretNew');
    assert.ok(rotated.length > 0);
    for (const v of rotated) {
      const check = { keyring: new Keyring(keyOf(vectors.secret)), receiverId: v.fields.receiverId, replayWindowMs: WINDOW };
      assert.equal(reasonOf(decodeSignal(v.body, v.fields.timestamp, check)), 'bad_signature', v.name);
    }
  });

  test('acks: version, result hash, signing string, signature and body, encoded and decoded', () => {
    for (const v of vectors.acks) {
      const { fields } = v;
      if (fields.result !== undefined) {
        assert.equal(canonical(fields.result), v.resultCanonical, v.name);
        assert.equal(canonicalHash(fields.result), v.resultSha256, v.name);
      }
      assert.ok(v.signingString.startsWith('rdv-ack-v1\n'), v.name);
      assert.equal(ackSigningString(fields), v.signingString, v.name);
      const { body, ack } = encodeAck(fields, signerOf(v.signedWith));
      assert.equal(ack.signature, v.signature, v.name);
      assert.equal(body, v.body, v.name);
      assert.equal((JSON.parse(v.body) as { v: number }).v, fields.result === undefined ? 1 : 2, v.name);

      const check = { keyring: rotating, senderId: fields.senderId, replayWindowMs: WINDOW };
      const decoded = decodeAck(v.body, fields.timestamp, check);
      assert.ok(decoded.ok, `${v.name}: ${decoded.ok ? '' : decoded.detail}`);
      assert.deepEqual(decoded.value, { ...fields, signature: v.signature }, v.name);
      // Read from its ACK key there is no entry time: no replay window.
      assert.ok(decodeAck(v.body, undefined, check).ok, v.name);

      for (let at = 0; at < v.signingString.length; at += 7) assert.equal(rotating.verify(changeOneByte(v.signingString, at), v.signature), 'bad_signature', `${v.name} @${at}`);
      assert.equal(reasonOf(decodeAck(v.body.replace(v.signature, changeOneByte(v.signature, 0)), fields.timestamp, check)), 'bad_signature', v.name);
      const statusChanged = v.body.replace(`"status":"${fields.status}"`, `"status":"${changeOneByte(fields.status, 0)}"`);
      assert.equal(reasonOf(decodeAck(statusChanged, fields.timestamp, check)), 'bad_signature', v.name);
      // The version must match the presence of a result.
      const otherVersion = v.body.replace(/^\{"v":[12]/, `{"v":${fields.result === undefined ? 2 : 1}`);
      assert.equal(reasonOf(decodeAck(otherVersion, fields.timestamp, check)), 'malformed', v.name);
      assert.equal(reasonOf(decodeAck(v.body, fields.timestamp - WINDOW - 1, check)), 'replay_window', v.name);
    }
  });

  test('idempotency records', () => {
    for (const v of vectors.idempotencyRecords) {
      const slot = { swarmId: v.swarmId, receiverId: v.receiverId, idempotencyKey: v.idempotencyKey };
      assert.equal(keys.idempotency(v.swarmId, v.receiverId, v.idempotencyKey), v.key);
      assert.equal(encodeIdempotencyRecord(signerOf('secret'), slot, v.messageId), v.record);
      assert.equal(v.record, `${v.messageId} ${signerOf('secret').sign(v.signingString)}`);
      assert.equal(decodeIdempotencyRecord(rotating, slot, v.record), v.messageId);
      assert.equal(decodeIdempotencyRecord(rotating, slot, changeOneByte(v.record, v.record.length - 1)), undefined);
      assert.equal(decodeIdempotencyRecord(rotating, { ...slot, idempotencyKey: `${v.idempotencyKey}x` }, v.record), undefined, 'bound to its key');
    }
  });

  test('heartbeats and activity records: every field, nothing else, all required', () => {
    for (const v of vectors.heartbeats) {
      const json = JSON.parse(v.body) as Record<string, unknown>;
      assert.deepEqual(parseHeartbeat(v.body), json, v.name);
      for (const field of Object.keys(json)) {
        const { [field]: _dropped, ...rest } = json;
        const parsed = parseHeartbeat(JSON.stringify(rest));
        // waitingFor alone may be left out (read as []).
        if (field === 'waitingFor') assert.deepEqual(parsed?.waitingFor, [], v.name);
        else assert.equal(parsed, undefined, `${v.name} without ${field}`);
      }
    }
    for (const v of vectors.activities) {
      const json = JSON.parse(v.body) as Record<string, unknown>;
      assert.deepEqual(parseActivity(v.body), json, v.name);
      assert.equal(parseActivity(JSON.stringify({ ...json, coordinatorId: 'not:an:id' })), undefined, v.name);
    }
  });

  test('the push message form', () => {
    const v = vectors.signals[0]!;
    assert.equal(pushMessage('s', '1795450800892-0', v.body), `s 1795450800892-0 ${v.body}`);
  });
});

describe('docs/protocol.md examples', () => {
  /** The ```json block after `<!-- vectors:<name> -->`. */
  function example(name: string): unknown {
    const marker = `<!-- vectors:${name} -->`;
    const at = page.indexOf(marker);
    assert.ok(at >= 0, `docs/protocol.md has ${marker}`);
    const match = /^\s*```json\n([\s\S]*?)\n```/.exec(page.slice(at + marker.length));
    assert.ok(match, `a json block follows ${marker}`);
    return JSON.parse(match[1]!);
  }

  test('the signal, ACK and idempotency examples are vectors of the file', () => {
    const signal = example('signal') as Vectors['signals'][number];
    assert.deepEqual(signal, vectors.signals.find((v) => v.name === signal.name));
    const ack = example('ack') as Vectors['acks'][number];
    assert.deepEqual(ack, vectors.acks.find((v) => v.name === ack.name));
    const record = example('idempotency') as Vectors['idempotencyRecords'][number];
    assert.deepEqual(record, vectors.idempotencyRecords.find((v) => v.name === record.name));
  });

  test('every signing string printed in the page is one a vector holds', () => {
    const known = new Set([...vectors.signals.map((v) => v.signingString), ...vectors.acks.map((v) => v.signingString.replace('\n', '\\n'))]);
    // Signing strings begin with two coordinator ids (a messageId has one): `coord-a:coord-b:...`.
    const printed = [...page.matchAll(/`((?:rdv-ack-v1\\n)?coord-[\w.-]*:coord-[\w.-]*:[^`\s]*\d{13}[^`\s]*)`/g)].map((m) => m[1]!);
    assert.ok(printed.length >= 3, `found ${printed.length}`);
    assert.deepEqual(printed.filter((text) => !known.has(text)), []);
  });
});

function reasonOf(decoded: { ok: true } | { ok: false; reason: string }): string {
  return decoded.ok ? 'ok' : decoded.reason;
}
