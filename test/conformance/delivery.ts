import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, afterEach, before, describe, test } from 'node:test';
import { SignalTimeoutError } from '../../src/protocol/errors.js';
import { Coordinators, uniqueSwarm } from '../support/coordinators.js';
import type { Harness } from './harness.js';

/** Behaviours 1 and 2 (in one process): no overwrite, order, filters, at-least-once, exactly-once ACK, idempotency. */
export function deliveryBehaviour(h: Harness): void {
  describe(`delivery [${h.name}]`, () => {
    let c: Coordinators;
    before(() => h.setup());
    after(() => h.teardown());
    afterEach(() => c?.shutdownAll());
    const fresh = () => (c = new Coordinators(() => h.store(), uniqueSwarm()));

    test('three signals sent before the receiver starts are all delivered, in send order', async () => {
      fresh();
      const a = await c.start('coord-a');
      for (const n of [1, 2, 3]) await a.sendSignal('coord-b', 'completion', { iteration: 1, payload: { n } });
      const b = await c.start('coord-b');
      const got = [];
      for (let i = 0; i < 3; i++) got.push((await b.blockUntilSignal<{ n: number }>({ timeoutMs: 2_000 })).payload?.n);
      assert.deepEqual(got, [1, 2, 3]);
      await assert.rejects(b.blockUntilSignal({ timeoutMs: 50 }), SignalTimeoutError);
    });

    test('a signal sent before the wait begins is seen, and one sent during the wait wakes it', async () => {
      fresh();
      const [a, b] = await Promise.all([c.start('coord-a'), c.start('coord-b')]);
      await a.sendSignal('coord-b', 'wake');
      assert.equal((await b.blockUntilSignal({ timeoutMs: 2_000 })).type, 'wake');
      const waiting = b.blockUntilSignal({ timeoutMs: 2_000 });
      await a.sendSignal('coord-b', 'decide', { payload: { decision: 'PROCEED' } });
      const signal = await waiting;
      assert.equal(signal.type, 'decide');
      assert.deepEqual(signal.payload, { decision: 'PROCEED' });
      assert.equal(signal.senderId, 'coord-a');
    });

    test('signals that do not match a filter stay pending for a later wait', async () => {
      fresh();
      const [a, other, b] = await Promise.all([c.start('coord-a'), c.start('coord-x'), c.start('coord-b')]);
      await a.sendSignal('coord-b', 'status_update', { iteration: 1 });
      await other.sendSignal('coord-b', 'completion', { iteration: 2 });
      await a.sendSignal('coord-b', 'completion', { iteration: 1 });
      const byIteration = await b.blockUntilSignal({ iteration: 2, timeoutMs: 2_000 });
      assert.equal(byIteration.senderId, 'coord-x');
      const byType = await b.blockUntilSignal({ types: ['completion'], from: 'coord-a', timeoutMs: 2_000 });
      assert.deepEqual([byType.type, byType.iteration], ['completion', 1]);
      const rest = await b.blockUntilSignal({ timeoutMs: 2_000 });
      assert.equal(rest.type, 'status_update');
    });

    test('concurrent waits with different filters each get their own signal', async () => {
      fresh();
      const [a, b] = await Promise.all([c.start('coord-a'), c.start('coord-b')]);
      const wantsDecide = b.blockUntilSignal({ types: 'decide', timeoutMs: 2_000 });
      const wantsWake = b.blockUntilSignal({ types: 'wake', timeoutMs: 2_000 });
      await a.sendSignal('coord-b', 'wake');
      await a.sendSignal('coord-b', 'decide');
      assert.equal((await wantsWake).type, 'wake');
      assert.equal((await wantsDecide).type, 'decide');
    });

    test('a signal received but not acknowledged is delivered again to the next instance of that id; once acknowledged, never again', async () => {
      fresh();
      const a = await c.start('coord-a');
      const { messageId } = await a.sendSignal('coord-b', 'completion', { payload: { confidence: 0.92 } });
      const first = await c.start('coord-b');
      assert.equal((await first.blockUntilSignal({ timeoutMs: 2_000 })).messageId, messageId);
      await first.stop(); // gone before acknowledging

      const second = await c.start('coord-b', { store: await h.newStore() });
      const again = await second.blockUntilSignal({ timeoutMs: 2_000 });
      assert.equal(again.messageId, messageId);
      const ack = await second.acknowledge(again);
      assert.deepEqual(await second.acknowledge(again), ack, 'acknowledging twice returns the same ACK');
      await second.stop();

      const third = await c.start('coord-b', { store: await h.newStore() });
      await assert.rejects(third.blockUntilSignal({ timeoutMs: 100 }), SignalTimeoutError);
      const acks = await a.waitForAcks(['coord-b'], messageId, { timeoutMs: 1_000 });
      assert.deepEqual(acks.get('coord-b'), ack);
    });

    test('acknowledging twice returns the same signed ACK, and the sender sees exactly it', async () => {
      fresh();
      const [a, b] = await Promise.all([c.start('coord-a'), c.start('coord-b')]);
      const { messageId } = await a.sendSignal('coord-b', 'validate', { iteration: 3 });
      const signal = await b.blockUntilSignal({ timeoutMs: 2_000 });
      const ack = await b.acknowledge(signal, { status: 'processed' });
      const twice = await b.acknowledge(signal, { status: 'rejected' });
      assert.deepEqual(twice, ack);
      assert.equal(ack.status, 'processed');
      assert.equal(ack.iteration, 3);
      const acks = await a.waitForAcks(['coord-b'], messageId, { timeoutMs: 2_000 });
      assert.deepEqual(acks.get('coord-b'), ack);
      assert.equal(b.getMetrics().acksSent, 1);
    });

    test('an answer carried by the ACK is signed, returned by waitForAcks (pushed or read from its key), and kept on a repeat', async () => {
      fresh();
      const [a, b, d] = await Promise.all([c.start('coord-a'), c.start('coord-b'), c.start('coord-d')]);
      const { messageId } = await a.sendSignal('coord-b', 'validate', { iteration: 2 });
      const signal = await b.blockUntilSignal({ timeoutMs: 2_000 });
      const verdict = { approve: true, confidence: 0.92, issues: ['naming', { line: 12 }] };
      const waiting = a.waitForAcks<typeof verdict>(['coord-b'], messageId, { timeoutMs: 2_000 });
      const ack = await b.acknowledge(signal, { status: 'approved', result: verdict });
      assert.deepEqual(ack.result, verdict);
      assert.deepEqual((await waiting).get('coord-b'), ack);
      // A repeat with another answer returns the first ACK; a coordinator that did not send reads it from its key.
      assert.deepEqual(await b.acknowledge(signal, { status: 'rejected', result: { approve: false } }), ack);
      assert.deepEqual((await d.waitForAcks(['coord-b'], messageId, { timeoutMs: 2_000 })).get('coord-b'), ack);
    });

    test('an answer JSON cannot carry, or too large, is a typed error before anything is written: the signal stays unacknowledged', async () => {
      fresh();
      const [a, b] = await Promise.all([c.start('coord-a'), c.start('coord-b', { maxSignalBytes: 2_048 })]);
      const { messageId } = await a.sendSignal('coord-b', 'validate');
      const signal = await b.blockUntilSignal({ timeoutMs: 2_000 });
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      for (const result of [() => 1, 10n, circular, Symbol('x'), 'x'.repeat(2_048)]) {
        await assert.rejects(b.acknowledge(signal, { result }), { code: 'RDV_ERR_INVALID_PAYLOAD' });
      }
      assert.equal((await a.waitForAcks(['coord-b'], messageId, { timeoutMs: 50 })).size, 0);
      assert.equal(b.getMetrics().acksSent, 0);
      const ack = await b.acknowledge(signal, { result: null });
      assert.equal(ack.result, null);
      assert.equal((await a.waitForAcks(['coord-b'], messageId, { timeoutMs: 2_000 })).get('coord-b')?.result, null);
    });

    test('waitForAcks returns the ACKs that arrived, partial on timeout, and never throws for missing ones', async () => {
      fresh();
      const [a, b] = await Promise.all([c.start('coord-a'), c.start('coord-b'), c.start('coord-c')]);
      const { messageId } = await a.sendSignal('coord-b', 'wake');
      const waiting = a.waitForAcks(['coord-b', 'coord-c'], messageId, { timeoutMs: 300 });
      await b.acknowledge(await b.blockUntilSignal({ timeoutMs: 2_000 }));
      const acks = await waiting;
      assert.deepEqual([...acks.keys()], ['coord-b']);
    });

    test('an ACK given before waitForAcks starts is found', async () => {
      fresh();
      const [a, b] = await Promise.all([c.start('coord-a'), c.start('coord-b')]);
      const { messageId } = await a.sendSignal('coord-b', 'wake');
      await b.acknowledge(await b.blockUntilSignal({ timeoutMs: 2_000 }));
      const acks = await a.waitForAcks(['coord-b'], messageId, { timeoutMs: 2_000 });
      assert.equal(acks.get('coord-b')?.messageId, messageId);
    });

    test('a resend with the same idempotency key is a duplicate and is delivered once', async () => {
      fresh();
      const [a, b] = await Promise.all([c.start('coord-a'), c.start('coord-b')]);
      const first = await a.sendSignal('coord-b', 'completion', { iteration: 1, idempotencyKey: 'round-1' });
      const second = await a.sendSignal('coord-b', 'completion', { iteration: 1, idempotencyKey: 'round-1' });
      assert.equal(first.isDuplicate, false);
      assert.deepEqual(second, { messageId: first.messageId, isDuplicate: true });
      assert.equal((await b.blockUntilSignal({ timeoutMs: 2_000 })).messageId, first.messageId);
      await assert.rejects(b.blockUntilSignal({ timeoutMs: 100 }), SignalTimeoutError);
    });

    test('two senders racing with the same idempotency keys deliver each key once', async () => {
      fresh();
      const [s1, s2, b] = await Promise.all([c.start('sender-1'), c.start('sender-2'), c.start('coord-b')]);
      const keys = Array.from({ length: 10 }, (_, i) => `round-${i}`);
      const results = await Promise.all(
        keys.flatMap((key) => [s1, s2].map((s) => s.sendSignal('coord-b', 'completion', { idempotencyKey: key }).then((r) => ({ key, ...r })))),
      );
      for (const key of keys) {
        const forKey = results.filter((r) => r.key === key);
        assert.equal(forKey.filter((r) => !r.isDuplicate).length, 1, `one winner for ${key}`);
        assert.equal(new Set(forKey.map((r) => r.messageId)).size, 1, `one messageId for ${key}`);
      }
      const delivered = [];
      for (let i = 0; i < keys.length; i++) {
        const signal = await b.blockUntilSignal({ timeoutMs: 2_000 });
        delivered.push(signal.idempotencyKey);
        await b.acknowledge(signal);
      }
      assert.deepEqual([...delivered].sort(), [...keys].sort());
      await assert.rejects(b.blockUntilSignal({ timeoutMs: 100 }), SignalTimeoutError);
      // The sender whose send was the duplicate waits on the messageId it got back, and sees the ACK.
      const lost = results.find((r) => r.isDuplicate)!;
      const loser = lost.messageId.startsWith('sender-1:') ? s2 : s1;
      assert.equal((await loser.waitForAcks(['coord-b'], lost.messageId, { timeoutMs: 2_000 })).size, 1);
    });

    test('a fast sender never runs ahead of the store clock and its messageIds stay unique across a restart', async () => {
      fresh();
      const a = await c.start('coord-fast');
      const ids = new Set<string>();
      for (let i = 0; i < 500; i++) ids.add((await a.sendSignal('coord-b', 'wake')).messageId);
      const lastStamp = Number([...ids].at(-1)!.split(':')[2]!.split('.')[0]);
      assert.equal(ids.size, 500, 'unique messageIds');
      assert.ok(lastStamp <= (await h.store().time()) + 50, 'timestamps follow the store clock');
      await a.stop();
      const restarted = await c.start('coord-fast', { store: await h.newStore() });
      const { messageId } = await restarted.sendSignal('coord-b', 'wake');
      assert.ok(!ids.has(messageId), 'a restarted sender does not reuse a messageId');
    });

    test('acknowledging a signal seen through the signal:received event settles it for good', async () => {
      fresh();
      const [a, b] = await Promise.all([c.start('coord-a'), c.start('coord-b')]);
      const received = once(b, 'signal:received');
      const waiting = b.blockUntilSignal({ types: 'never', timeoutMs: 2_000 }).catch(() => undefined); // reads the inbox
      const { messageId } = await a.sendSignal('coord-b', 'wake');
      const [seen] = await received;
      await b.acknowledge(seen);
      assert.equal((await a.waitForAcks(['coord-b'], messageId, { timeoutMs: 2_000 })).size, 1);
      await assert.rejects(b.blockUntilSignal({ timeoutMs: 100 }), SignalTimeoutError);
      await b.stop();
      await waiting;
      const next = await c.start('coord-b', { store: await h.newStore() });
      await assert.rejects(next.blockUntilSignal({ timeoutMs: 100 }), SignalTimeoutError);
      assert.deepEqual(next.getMetrics().signalsRejected, {}, 'the entry itself was removed, not left to be rejected as a replay');
    });

    test('the barrier waits for every listed sender and returns partial results on timeout', async () => {
      fresh();
      const owner = await c.start('owner');
      const validators = await Promise.all(['v1', 'v2', 'v3'].map((id) => c.start(id)));
      for (const [i, v] of validators.entries()) {
        if (i < 2) await v.sendSignal('owner', 'completion', { iteration: 1, payload: { confidence: 0.9 + i / 100 } });
      }
      const partial = await owner.waitForSignals(['v1', 'v2', 'v3'], { types: 'completion', iteration: 1, timeoutMs: 200 });
      assert.deepEqual([...partial.keys()].sort(), ['v1', 'v2']);
      await validators[2]!.sendSignal('owner', 'completion', { iteration: 1, payload: { confidence: 0.95 } });
      const rest = await owner.waitForSignals(['v3'], { types: 'completion', iteration: 1, timeoutMs: 2_000 });
      assert.deepEqual((rest.get('v3')?.payload as { confidence: number }).confidence, 0.95);
    });
  });
}
