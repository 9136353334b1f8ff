import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, afterEach, before, describe, test } from 'node:test';
import { encodeAck } from '../../src/protocol/ack.js';
import { Keyring } from '../../src/protocol/keyring.js';
import { keys } from '../../src/protocol/keys.js';
import type { RejectionReason } from '../../src/protocol/rejection.js';
import { encodeSignal } from '../../src/protocol/signal.js';
import { Coordinators, OTHER_SECRET, SECRET, uniqueSwarm } from '../support/coordinators.js';
import { spyStore } from '../support/spy-store.js';
import type { Harness } from './harness.js';

const good = new Keyring(Buffer.from(SECRET));
const forger = new Keyring(Buffer.from(OTHER_SECRET));
const REPLAY_WINDOW_MS = 3_000;

function edit(body: string, change: (json: Record<string, unknown>) => void): string {
  const json = JSON.parse(body) as Record<string, unknown>;
  change(json);
  return JSON.stringify(json);
}

/** Behaviour 3: unsigned, forged, tampered, wrong-length, malformed and replayed messages are counted, logged and skipped. */
export function rejectionBehaviour(h: Harness): void {
  describe(`rejection [${h.name}]`, () => {
    let c: Coordinators;
    let swarm: string;
    before(() => h.setup());
    after(() => h.teardown());
    afterEach(() => c?.shutdownAll());
    const fresh = () => (c = new Coordinators(() => h.store(), (swarm = uniqueSwarm())));

    test('bad signals are rejected with their reason while the waiter keeps waiting for the good one', async () => {
      fresh();
      const [a, b] = await Promise.all([c.start('coord-a'), c.start('coord-b', { replayWindowMs: REPLAY_WINDOW_MS, maxSignalBytes: 4_096 })]);
      // A signal processed earlier, to replay verbatim.
      const processed = await a.sendSignal('coord-b', 'wake', { idempotencyKey: 'first' });
      const first = await b.blockUntilSignal({ timeoutMs: 2_000 });
      await b.acknowledge(first);

      const now = await h.store().time();
      const base = { senderId: 'coord-a', receiverId: 'coord-b', type: 'completion', timestamp: now, iteration: 2, payload: { confidence: 0.5 }, idempotencyKey: 'k-1' };
      const { body } = encodeSignal(base, good);
      const cases: [RejectionReason, string][] = [
        ['unsigned', edit(body, (j) => delete j.signature)],
        ['bad_signature', encodeSignal(base, forger).body],
        ['bad_signature', edit(body, (j) => (j.payload = { confidence: 0.99 }))],
        ['bad_signature', edit(body, (j) => (j.iteration = 3))],
        ['bad_signature', edit(body, (j) => (j.idempotencyKey = 'k-2'))],
        ['message_id_mismatch', edit(body, (j) => (j.type = 'decide'))],
        ['message_id_mismatch', edit(body, (j) => (j.senderId = 'coord-x'))],
        ['message_id_mismatch', edit(body, (j) => (j.timestamp = now + 1))],
        ['message_id_mismatch', edit(body, (j) => (j.messageId = 'coord-a:completion:1'))],
        ['wrong_receiver', edit(body, (j) => (j.receiverId = 'coord-c'))],
        ['signature_length', edit(body, (j) => (j.signature = String(j.signature).slice(0, 63)))],
        ['signature_length', edit(body, (j) => (j.signature = `${String(j.signature)}00`))],
        ['malformed', '{"v":1,"senderId":'],
        ['malformed', 'null'],
        ['malformed', edit(body, (j) => (j.timestamp = 'yesterday'))],
        ['malformed', edit(body, (j) => (j.payload = { confidence: 'x'.repeat(5_000) }))], // over b's maxSignalBytes, refused unparsed
        ['malformed', body.replace('"confidence":0.5', '"confidence":1e999')], // hashes as null: refused, not verified
        ['replay_window', encodeSignal({ ...base, timestamp: now - REPLAY_WINDOW_MS - 5_000 }, good).body],
        ['replay_processed', (await rawBodyOf(first))],
      ];

      const rejected: RejectionReason[] = [];
      const allRejected = new Promise<void>((resolve) =>
        b.on('message:rejected', (e) => rejected.push(e.reason) === cases.length && resolve()),
      );
      const waiting = b.blockUntilSignal({ timeoutMs: 5_000 });
      for (const [, raw] of cases) await h.injectRaw(keys.inbox(swarm, 'coord-b'), 'signal', raw, keys.push(swarm, 'coord-b'));
      await allRejected; // every bad one examined, and the waiter still waits
      const sent = await a.sendSignal('coord-b', 'completion', { iteration: 2, payload: { confidence: 0.5 }, idempotencyKey: 'k-1' });
      const signal = await waiting;
      assert.equal(signal.messageId, sent.messageId, 'the waiter got the genuine signal');
      assert.notEqual(sent.messageId, processed.messageId);
      assert.deepEqual(rejected, cases.map(([reason]) => reason));

      const expected: Partial<Record<RejectionReason, number>> = {};
      for (const [reason] of cases) expected[reason] = (expected[reason] ?? 0) + 1;
      assert.deepEqual(b.getMetrics().signalsRejected, expected);
      // Logged a line per reason at once, the repeats counted (a forger's flood is not a flood of lines) and said at stop.
      const lines = () => b.logs.records.filter((r) => r.level === 'warn' && r.fields.kind === 'signal');
      assert.deepEqual(lines().map((r) => r.fields.reason), Object.keys(expected));
      await b.stop();
      const repeats = Object.fromEntries(lines().filter((r) => r.fields.repeated !== undefined).map((r) => [r.fields.reason, r.fields.repeated]));
      assert.deepEqual(repeats, Object.fromEntries(Object.entries(expected).filter(([, n]) => n! > 1).map(([reason, n]) => [reason, n! - 1])));

      async function rawBodyOf(signal: typeof first): Promise<string> {
        const { entryId: _d, ...rest } = signal;
        return JSON.stringify({ v: 1, ...rest });
      }
    });

    test('a replay of a signal this instance acknowledged is rejected without asking the store', async () => {
      fresh();
      const { store: counting, calls } = spyStore(h.store());
      const b = await c.start('coord-b', { store: counting });
      // Stamped after b started (future by 2 s, inside the replay window): only b can have acknowledged it.
      const { body } = encodeSignal({ senderId: 'coord-a', receiverId: 'coord-b', type: 'wake', timestamp: (await h.store().time()) + 2_000 }, good);
      await h.injectRaw(keys.inbox(swarm, 'coord-b'), 'signal', body, keys.push(swarm, 'coord-b'));
      await b.acknowledge(await b.blockUntilSignal({ timeoutMs: 2_000 }));
      calls.length = 0;
      const rejected = once(b, 'message:rejected');
      const waiting = b.blockUntilSignal({ timeoutMs: 2_000 }).catch(() => undefined);
      await h.injectRaw(keys.inbox(swarm, 'coord-b'), 'signal', body, keys.push(swarm, 'coord-b'));
      assert.equal((await rejected)[0].reason, 'replay_processed');
      assert.ok(!calls.includes('readAck'), `no store check: ${calls.join(', ')}`);
      await b.stop();
      await waiting;
    });

    test('bad ACKs are rejected with their reason and waitForAcks still returns the genuine one', async () => {
      fresh();
      const [a, b] = await Promise.all([c.start('coord-a', { replayWindowMs: REPLAY_WINDOW_MS, maxSignalBytes: 4_096 }), c.start('coord-b')]);
      const { messageId } = await a.sendSignal('coord-b', 'validate', { iteration: 1 });
      const now = await h.store().time();
      const base = { messageId, coordinatorId: 'coord-b', senderId: 'coord-a', status: 'received', timestamp: now, iteration: 1 };
      const { body } = encodeAck(base, good);
      const cases: [RejectionReason, string][] = [
        ['unsigned', edit(body, (j) => delete j.signature)],
        ['bad_signature', encodeAck(base, forger).body],
        ['bad_signature', edit(body, (j) => (j.status = 'rejected'))],
        ['bad_signature', edit(body, (j) => (j.iteration = 2))],
        ['signature_length', edit(body, (j) => (j.signature = 'abcd'))],
        ['malformed', 'not json'],
        ['malformed', edit(body, (j) => ((j.v = 2), (j.result = 'x'.repeat(5_000))))], // over a's maxSignalBytes: refused unparsed
        ['replay_window', encodeAck({ ...base, timestamp: now - REPLAY_WINDOW_MS - 5_000 }, good).body],
      ];
      const started = once(a, 'wait:started');
      const waiting = a.waitForAcks(['coord-b'], messageId, { timeoutMs: 5_000 });
      await started; // from here on the waiter sees every new notice
      let seen = 0;
      const allRejected = new Promise<void>((resolve) => a.on('message:rejected', () => ++seen === cases.length && resolve()));
      for (const [, raw] of cases) await h.injectRaw(keys.ackNotices(swarm, 'coord-a'), 'ack', raw, keys.push(swarm, 'coord-a'));
      await allRejected; // it read every forged notice, and still waits: the genuine ACK does not exist yet
      const ack = await b.acknowledge(await b.blockUntilSignal({ timeoutMs: 2_000 }));
      const acks = await waiting;
      assert.deepEqual(acks.get('coord-b'), ack);
      const expected: Partial<Record<RejectionReason, number>> = {};
      for (const [reason] of cases) expected[reason] = (expected[reason] ?? 0) + 1;
      assert.deepEqual(a.getMetrics().acksRejected, expected);
    });
  });
}
