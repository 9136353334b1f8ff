import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Signal } from '../../src/protocol/signal.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { Coordinators, uniqueSwarm } from '../support/coordinators.js';

let store: MemoryStore;
before(() => {
  store = new MemoryStore();
});
after(() => store.close());

test('a coordinator that does not wait holds at most 10,000 signals; the rest stay in the store and come in order', async () => {
  const c = new Coordinators(() => store, uniqueSwarm());
  try {
    const [sender, receiver] = await Promise.all([c.start('sender', { maxInboxLength: 0, maxSendsPerSecond: 0 }), c.start('receiver')]);
    const total = 10_050;
    for (let i = 0; i < total; i += 1) await sender.sendSignal('receiver', 'status_update', { iteration: i });
    await new Promise(setImmediate); // the memory store pushes in microtasks: all are handled by now
    assert.equal(receiver.getMetrics().signalsReceived, 10_000, 'held: 10,000');
    assert.ok(receiver.logs.records.some((r) => r.msg?.startsWith('inbox holds the most signals')), 'the overflow is logged');
    for (let i = 0; i < total; i += 1) {
      const signal = await receiver.blockUntilSignal({ timeoutMs: 2_000 });
      assert.equal(signal.iteration, i);
      await receiver.acknowledge(signal);
    }
  } finally {
    await c.shutdownAll();
  }
});

test('held signals are bounded by bytes too (maxHeldBytes): the rest stay in the store and come in order', async () => {
  const c = new Coordinators(() => store, uniqueSwarm());
  try {
    const bounded = { maxSignalBytes: 16_384, maxHeldBytes: 40_000 };
    const [sender, receiver] = await Promise.all([c.start('sender', bounded), c.start('receiver', bounded)]);
    const text = 'x'.repeat(10_000); // each stored body is a little over 10,000 characters
    for (let i = 0; i < 10; i += 1) await sender.sendSignal('receiver', 'status_update', { iteration: i, payload: { text } });
    await new Promise(setImmediate); // the memory store pushes in microtasks: all are handled by now
    assert.equal(receiver.getMetrics().signalsReceived, 3, 'held: as many as fit in 40,000');
    assert.ok(receiver.logs.records.some((r) => r.msg?.startsWith('inbox holds the most signals') && r.fields.maxHeldBytes === 40_000), 'the bound is logged');
    for (let i = 0; i < 10; i += 1) {
      const signal = await receiver.blockUntilSignal({ timeoutMs: 2_000 });
      assert.equal(signal.iteration, i);
      await receiver.acknowledge(signal);
    }
  } finally {
    await c.shutdownAll();
  }
});

test('one signal larger than what is left under maxHeldBytes is still held when nothing else is', async () => {
  const c = new Coordinators(() => store, uniqueSwarm());
  try {
    const bounded = { maxSignalBytes: 30_000, maxHeldBytes: 30_000 };
    const [sender, receiver] = await Promise.all([c.start('sender', bounded), c.start('receiver', bounded)]);
    await sender.sendSignal('receiver', 'status_update', { payload: { text: 'y'.repeat(29_000) } });
    const signal = await receiver.blockUntilSignal({ timeoutMs: 2_000 });
    assert.equal((signal.payload as { text: string }).text.length, 29_000);
  } finally {
    await c.shutdownAll();
  }
});

test('ACK notices kept for waits still to begin are bounded by maxHeldBytes; a wait on a forgotten one reads the ACK keys', async () => {
  const c = new Coordinators(() => store, uniqueSwarm());
  try {
    const bounded = { maxSignalBytes: 16_384, maxHeldBytes: 30_000 };
    const [sender, receiver] = await Promise.all([c.start('sender', bounded), c.start('receiver', bounded)]);
    const sent = [];
    for (let i = 0; i < 8; i += 1) sent.push(await sender.sendSignal('receiver', 'validate', { iteration: i }));
    for (let i = 0; i < 8; i += 1) await receiver.acknowledge(await receiver.blockUntilSignal({ timeoutMs: 2_000 }), { result: { i, text: 'z'.repeat(10_000) } });
    // The sender's feed kept at most 30,000 characters of these notices; every wait still gets its ACK.
    for (const [i, { messageId }] of sent.entries()) {
      const acks = await sender.waitForAcks<{ i: number }>(['receiver'], messageId, { timeoutMs: 2_000 });
      assert.equal(acks.get('receiver')?.result?.i, i);
    }
  } finally {
    await c.shutdownAll();
  }
});

test('a full inbox still gives a wait the signal it waits for, left in the store behind others', async () => {
  const c = new Coordinators(() => store, uniqueSwarm());
  try {
    const bounded = { maxSignalBytes: 16_384, maxHeldBytes: 40_000 };
    const [a, b, receiver] = await Promise.all([c.start('sender-a', bounded), c.start('sender-b', bounded), c.start('receiver', bounded)]);
    for (let i = 0; i < 6; i += 1) await a.sendSignal('receiver', 'status_update', { iteration: i, payload: { text: 'x'.repeat(10_000) } });
    await b.sendSignal('receiver', 'completion', { payload: { text: 'y'.repeat(9_500) } }); // does not fit beside the three held
    await new Promise(setImmediate);
    assert.equal(receiver.getMetrics().signalsReceived, 3, 'full: the rest, b\'s included, stay in the store');
    const signal = await receiver.blockUntilSignal({ from: 'sender-b', timeoutMs: 2_000 });
    assert.equal(signal.type, 'completion');
  } finally {
    await c.shutdownAll();
  }
});

test('acknowledging straight from signal:received frees room: signals left in the store are read again', async () => {
  const c = new Coordinators(() => store, uniqueSwarm());
  try {
    const bounded = { maxSignalBytes: 16_384, maxHeldBytes: 40_000 };
    const [sender, receiver] = await Promise.all([c.start('sender', bounded), c.start('receiver', bounded)]);
    const received: Signal[] = [];
    receiver.on('signal:received', (signal) => received.push(signal));
    const sent = await Promise.all(Array.from({ length: 10 }, (_, i) => sender.sendSignal('receiver', 'status_update', { iteration: i, payload: { text: 'x'.repeat(10_000) } })));
    await new Promise(setImmediate);
    assert.equal(received.length, 3, 'full: 7 left in the store');
    // No wait ever takes them: each is acknowledged as it is received, which must free room.
    receiver.on('signal:received', (signal) => void receiver.acknowledge(signal));
    for (const signal of received.splice(0)) await receiver.acknowledge(signal);
    for (const { messageId } of sent) assert.equal((await sender.waitForAcks(['receiver'], messageId, { timeoutMs: 2_000 })).size, 1);
  } finally {
    await c.shutdownAll();
  }
});
