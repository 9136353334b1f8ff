import { StoreClock } from '../../src/core/store-clock.js';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { after, before, test } from 'node:test';
import { AckWaits } from '../../src/core/ack-waits.js';
import { resolveCoordinatorOptions } from '../../src/core/coordinator-options.js';
import { AbortedError } from '../../src/protocol/errors.js';
import { Keyring } from '../../src/protocol/keyring.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import type { Store } from '../../src/store/port.js';
import { Coordinators, SECRET, uniqueSwarm } from '../support/coordinators.js';
import { recordingLogger } from '../support/recording-logger.js';

let store: MemoryStore;
const warnings: Error[] = [];
const onWarning = (warning: Error) => warnings.push(warning);
before(() => {
  store = new MemoryStore();
  process.on('warning', onWarning);
});
after(async () => {
  process.off('warning', onWarning);
  await store.close();
});

test('20 concurrent waitForAcks of one coordinator draw no listener-leak warning', async () => {
  const c = new Coordinators(() => store, uniqueSwarm());
  try {
    const a = await c.start('coord-a');
    const sends = await Promise.all(Array.from({ length: 20 }, (_, i) => a.sendSignal(`r${i}`, 'wake')));
    const acks = await Promise.all(sends.map((s, i) => a.waitForAcks([`r${i}`], s.messageId, { timeoutMs: 20 })));
    assert.deepEqual(acks.map((m) => m.size), Array(20).fill(0));
  } finally {
    await c.shutdownAll();
  }
  assert.deepEqual(warnings.map((w) => w.name), []);
});

test('waits whose deadline passed before they could listen leave no listener behind', async () => {
  // Key reads slower than the waits' timeout: each wait reaches its listening step past its deadline.
  const slow = {
    ackSnapshot: async () => (await new Promise((resolve) => setTimeout(resolve, 5)), { acks: [null], cursor: '0-0' }),
    subscribe: async () => ({ close: async () => undefined }),
  } as unknown as Store;
  const stop = new AbortController();
  const waits = new AckWaits({
    store: slow, own: { swarmId: 's', coordinatorId: 'coord-a' }, config: resolveCoordinatorOptions({}, {}), logger: recordingLogger(),
    stop: stop.signal, keys: { current: new Keyring(Buffer.from(SECRET)) }, observer: { rejected: () => undefined, waitStarted: () => undefined, waitsWatched: false }, clock: new StoreClock(),
  });
  const sender = { swarmId: 's', coordinatorId: 'coord-a' };
  const results = await Promise.all(Array.from({ length: 30 }, (_, i) => waits.wait(['coord-b'], `coord-a:wake:${1_000 + i}`, 1, sender)));
  assert.deepEqual(results.map((m) => m.size), Array(30).fill(0));
  await waits.close();
  assert.equal(getEventListeners(stop.signal, 'abort').length, 0);
});

test("waitForAcks ends at its caller's signal with AbortedError, leaves no listener on it, and a later wait still finds the ACK", { timeout: 10_000 }, async () => {
  const c = new Coordinators(() => store, uniqueSwarm());
  try {
    const a = await c.start('coord-a');
    const b = await c.start('coord-b');
    const { messageId } = await a.sendSignal('coord-b', 'wake');
    const controller = new AbortController();
    const waiting = a.waitForAcks(['coord-b'], messageId, { timeoutMs: 60_000, signal: controller.signal });
    controller.abort('changed my mind');
    await assert.rejects(waiting, (error: unknown) => error instanceof AbortedError && error.code === 'RDV_ERR_ABORTED' && error.context.reason === 'changed my mind');
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
    await assert.rejects(a.waitForAcks(['coord-b'], messageId, { signal: controller.signal }), AbortedError, 'an aborted signal ends the wait at once');

    await b.acknowledge(await b.blockUntilSignal({ timeoutMs: 5_000 }));
    const acks = await a.waitForAcks(['coord-b'], messageId, { timeoutMs: 5_000, signal: new AbortController().signal });
    assert.equal(acks.get('coord-b')?.coordinatorId, 'coord-b');
  } finally {
    await c.shutdownAll();
  }
});
