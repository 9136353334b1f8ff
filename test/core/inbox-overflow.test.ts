import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
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
    const [sender, receiver] = await Promise.all([c.start('sender'), c.start('receiver')]);
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
