import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { HeldLimitEvent } from '../../src/core/held-limit.js';
import type { Signal } from '../../src/protocol/signal.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { Coordinators, uniqueSwarm } from '../support/coordinators.js';

let store: MemoryStore;
before(() => {
  store = new MemoryStore();
});
after(() => store.close());

const bounded = { maxSignalBytes: 16_384, maxHeldBytes: 40_000 };
const text = 'x'.repeat(10_000); // each stored body is a little over 10,000 characters

test('signals taken and never acknowledged are held to maxHeldBytes: the oldest are forgotten, reported once, and delivered again to the next instance', async () => {
  const swarm = uniqueSwarm();
  const c = new Coordinators(() => store, swarm);
  try {
    const [sender, receiver] = await Promise.all([c.start('sender', bounded), c.start('receiver', bounded)]);
    const limits: HeldLimitEvent[] = [];
    receiver.on('held:limit', (event) => limits.push(event));
    const taken: Signal[] = [];
    for (let i = 0; i < 8; i += 1) {
      await sender.sendSignal('receiver', 'task', { iteration: i, payload: { text } });
      taken.push(await receiver.blockUntilSignal({ timeoutMs: 2_000 }));
    }
    // 40,000 characters hold three of them: the five oldest are forgotten, the three newest held.
    assert.deepEqual(taken.map((s) => receiver.unacknowledgedSignal(s.messageId) === s), [false, false, false, false, false, true, true, true]);
    assert.equal(limits.length, 1, 'reported once, not once per signal forgotten');
    assert.equal(limits[0]!.held, 'handed_out');
    assert.equal(limits[0]!.maxHeldBytes, 40_000);
    assert.ok(limits[0]!.bytes > 40_000 && limits[0]!.signals === 4, 'what was held when it tripped');
    assert.equal(receiver.getMetrics().heldLimitReached, 1);
    assert.ok(receiver.logs.records.some((r) => r.level === 'warn' && r.msg?.startsWith('inbox holds the most signals handed out')), 'logged');

    // A forgotten signal's object still carries its entry: acknowledging it works, and its sender gets the ACK.
    await receiver.acknowledge(taken[0]!, { status: 'done' });
    const acks = await sender.waitForAcks(['receiver'], taken[0]!.messageId, { timeoutMs: 2_000 });
    assert.equal(acks.get('receiver')?.status, 'done');

    // Nothing else was lost: the next instance of the receiver gets every signal never acknowledged, in order.
    await receiver.stop();
    const next = await c.start('receiver', bounded);
    const again: number[] = [];
    for (let i = 1; i < 8; i += 1) {
      const signal = await next.blockUntilSignal({ timeoutMs: 2_000 });
      again.push(signal.iteration!);
      await next.acknowledge(signal);
    }
    assert.deepEqual(again, [1, 2, 3, 4, 5, 6, 7]);
  } finally {
    await c.shutdownAll();
  }
});

test('the handed-out limit is reported again only after acknowledgements brought the held signals below half of it', async () => {
  const c = new Coordinators(() => store, uniqueSwarm());
  try {
    const [sender, receiver] = await Promise.all([c.start('sender', bounded), c.start('receiver', bounded)]);
    const take = async (i: number): Promise<Signal> => {
      await sender.sendSignal('receiver', 'task', { iteration: i, payload: { text } });
      return receiver.blockUntilSignal({ timeoutMs: 2_000 });
    };
    const held: Signal[] = [];
    for (let i = 0; i < 6; i += 1) held.push(await take(i));
    assert.equal(receiver.getMetrics().heldLimitReached, 1);
    // Acknowledging the three still held empties it: the next excess is a new episode.
    for (const signal of held.slice(3)) await receiver.acknowledge(signal);
    for (let i = 6; i < 10; i += 1) await take(i);
    assert.equal(receiver.getMetrics().heldLimitReached, 2);
  } finally {
    await c.shutdownAll();
  }
});

test('a barrier that fails gives back what it took, also a signal forgotten past the limit while it waited', async () => {
  const c = new Coordinators(() => store, uniqueSwarm());
  try {
    const [voter, worker, , receiver] = await Promise.all([c.start('voter', bounded), c.start('worker', bounded), c.start('absent', bounded), c.start('receiver', bounded)]);
    const stop = new AbortController();
    // The barrier takes the voter's vote and waits on for the absent coordinator's.
    const barrier = receiver.waitForSignals(['voter', 'absent'], { types: 'vote', timeoutMs: 10_000, signal: stop.signal });
    const taken = new Promise<void>((resolve) => receiver.once('signal:received', () => setImmediate(resolve)));
    await voter.sendSignal('receiver', 'vote');
    await taken;
    // Meanwhile, signals taken and never acknowledged push the vote (the oldest taken) past the limit.
    for (let i = 0; i < 4; i += 1) {
      await worker.sendSignal('receiver', 'task', { iteration: i, payload: { text } });
      await receiver.blockUntilSignal({ types: 'task', timeoutMs: 2_000 });
    }
    assert.equal(receiver.getMetrics().heldLimitReached, 1, 'the vote was forgotten');
    stop.abort();
    await assert.rejects(barrier, { code: 'RDV_ERR_ABORTED' });
    // Given back: its entry is still pending in the store, and a catch-up reads it again.
    const vote = await receiver.blockUntilSignal({ types: 'vote', timeoutMs: 2_000 });
    assert.equal(vote.senderId, 'voter');
  } finally {
    await c.shutdownAll();
  }
});
