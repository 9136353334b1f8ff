import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { InvalidSignalError } from '../../src/protocol/errors.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { Coordinators, uniqueSwarm } from '../support/coordinators.js';

let store: MemoryStore;
before(() => {
  store = new MemoryStore();
});
after(() => store.close());

test('release(): a signal given back goes to the next wait before newer ones, and to a wait in progress at once', async () => {
  const c = new Coordinators(() => store, uniqueSwarm());
  try {
    const [sender, receiver] = await Promise.all([c.start('sender'), c.start('receiver')]);
    await sender.sendSignal('receiver', 'task', { iteration: 1 });
    const first = await receiver.blockUntilSignal({ timeoutMs: 2_000 });
    await sender.sendSignal('receiver', 'task', { iteration: 2 });
    receiver.release(first);
    assert.equal((await receiver.blockUntilSignal({ timeoutMs: 2_000 })).iteration, 1, 'the released one first, in stream order');
    assert.equal((await receiver.blockUntilSignal({ timeoutMs: 2_000 })).iteration, 2);

    const taken = await (async () => {
      await sender.sendSignal('receiver', 'task', { iteration: 3 });
      return receiver.blockUntilSignal({ timeoutMs: 2_000 });
    })();
    const waiting = receiver.blockUntilSignal({ types: 'task', timeoutMs: 2_000 });
    receiver.release(taken);
    const got = await waiting;
    assert.equal(got.messageId, taken.messageId, 'the wait in progress got it');
    await receiver.acknowledge(got);
    assert.equal(receiver.unacknowledgedSignal(got.messageId), undefined);
    receiver.release(got); // acknowledged already: nothing comes back
    await assert.rejects(receiver.blockUntilSignal({ types: 'task', iteration: 3, timeoutMs: 200 }), { code: 'RDV_ERR_TIMEOUT' });
  } finally {
    await c.shutdownAll();
  }
});

test('release(): a signal of another coordinator is refused; on a stopped one nothing happens and the next instance gets it', async () => {
  const swarm = uniqueSwarm();
  const c = new Coordinators(() => store, swarm);
  try {
    const [sender, receiver] = await Promise.all([c.start('sender'), c.start('receiver')]);
    await sender.sendSignal('receiver', 'task');
    const signal = await receiver.blockUntilSignal({ timeoutMs: 2_000 });
    assert.throws(() => sender.release(signal), InvalidSignalError);
    assert.throws(() => receiver.release({ ...signal, messageId: 42 } as never), InvalidSignalError);
    await receiver.stop();
    receiver.release(signal);
    const next = await c.start('receiver');
    assert.equal((await next.blockUntilSignal({ timeoutMs: 2_000 })).messageId, signal.messageId);
  } finally {
    await c.shutdownAll();
  }
});

test('release(): a signal forgotten past the handed-out limit comes back through a catch-up read', async () => {
  const c = new Coordinators(() => store, uniqueSwarm());
  const bounded = { maxSignalBytes: 16_384, maxHeldBytes: 40_000 };
  try {
    const [sender, receiver] = await Promise.all([c.start('sender', bounded), c.start('receiver', bounded)]);
    const taken = [];
    for (let i = 0; i < 5; i += 1) {
      await sender.sendSignal('receiver', 'task', { iteration: i, payload: { text: 'x'.repeat(10_000) } });
      taken.push(await receiver.blockUntilSignal({ timeoutMs: 2_000 }));
    }
    assert.equal(receiver.unacknowledgedSignal(taken[0]!.messageId), undefined, 'forgotten');
    receiver.release(taken[0]!);
    const again = await receiver.blockUntilSignal({ timeoutMs: 2_000 });
    assert.equal(again.iteration, 0);
  } finally {
    await c.shutdownAll();
  }
});
