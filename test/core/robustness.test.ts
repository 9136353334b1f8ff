import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, afterEach, before, describe, test } from 'node:test';
import { AbortedError, SignalTimeoutError, StoreUnavailableError } from '../../src/protocol/errors.js';
import { keys } from '../../src/protocol/keys.js';
import { Keyring } from '../../src/protocol/keyring.js';
import { encodeSignal } from '../../src/protocol/signal.js';
import { PUSH_RESYNC } from '../../src/store/push.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import type { Store } from '../../src/store/port.js';
import { GlobalCoordinator } from '../../src/supervision/global-coordinator.js';
import { Coordinators, SECRET, uniqueSwarm } from '../support/coordinators.js';
import { recordingLogger } from '../support/recording-logger.js';

/** A store whose chosen operations can be made to misbehave once. */
function faultyStore(store: Store, faults: Partial<Record<keyof Store, 'fail-before' | 'fail-after'>>): Store {
  const armed = { ...faults };
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const fault = armed[property as keyof Store];
        if (fault) delete armed[property as keyof Store];
        if (fault === 'fail-before') throw new StoreUnavailableError(String(property), new Error('injected'));
        const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        if (fault === 'fail-after') throw new StoreUnavailableError(String(property), new Error('reply lost'));
        return result;
      };
    },
  });
}

describe('robustness', () => {
  let store: MemoryStore;
  let c: Coordinators;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  before(() => {
    store = new MemoryStore();
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => c?.shutdownAll());
  after(async () => {
    await store.close();
    process.off('unhandledRejection', onUnhandled);
    assert.deepEqual(unhandled, [], 'no unhandled rejection in any test');
  });
  const fresh = () => (c = new Coordinators(() => store, uniqueSwarm('robust')));

  test('a listener that throws neither breaks delivery nor escapes', async () => {
    fresh();
    const [a, b] = await Promise.all([c.start('coord-a'), c.start('coord-b')]);
    b.on('signal:received', () => {
      throw new Error('a careless listener');
    });
    b.on('wait:started', () => {
      throw new Error('another one');
    });
    await a.sendSignal('coord-b', 'wake', { payload: 1 });
    await a.sendSignal('coord-b', 'wake', { payload: 2 });
    assert.equal((await b.blockUntilSignal({ timeoutMs: 1_000 })).payload, 1);
    assert.equal((await b.blockUntilSignal({ timeoutMs: 1_000 })).payload, 2);
    assert.ok(b.logs.records.some((r) => r.level === 'error' && r.fields.event === 'signal:received'));
  });

  test('a retried initialize() keeps heartbeating', async () => {
    fresh();
    const b = c.make('coord-retry', { store: faultyStore(store, { register: 'fail-before' }) });
    await assert.rejects(b.start(), StoreUnavailableError);
    await b.start();
    for (let i = 0; i < 3; i++) await once(b, 'heartbeat');
    assert.ok(b.getMetrics().heartbeats >= 4);
  });

  test('a catch-up read whose reply was lost after delivery is recovered from the pending list', async () => {
    fresh();
    const a = await c.start('coord-a');
    await a.sendSignal('coord-lost', 'wake', { payload: 'kept' }); // before it starts: found by its catch-up read
    const b = c.make('coord-lost', { store: faultyStore(store, { readNew: 'fail-after' }) });
    await assert.rejects(b.start(), StoreUnavailableError); // the entry is now pending for coord-lost
    await b.start();
    assert.equal((await b.blockUntilSignal({ timeoutMs: 3_000 })).payload, 'kept');
  });

  test('a resync push makes a running coordinator read what was appended without a push', async () => {
    fresh();
    const b = await c.start('coord-quiet');
    const waiting = b.blockUntilSignal({ timeoutMs: 3_000 });
    const { body } = encodeSignal({ senderId: 'coord-a', receiverId: 'coord-quiet', type: 'wake', timestamp: await store.time() }, new Keyring(Buffer.from(SECRET)));
    store.appendRawEntry(keys.inbox(b.swarmId, 'coord-quiet'), body); // no push: nothing reads it yet
    store.publish(keys.push(b.swarmId, 'coord-quiet'), PUSH_RESYNC);
    assert.equal((await waiting).senderId, 'coord-a');
  });

  test('a barrier that is aborted gives back the signals it had collected', async () => {
    fresh();
    const owner = await c.start('owner');
    const v1 = await c.start('v1');
    await v1.sendSignal('owner', 'completion', { payload: 0.9 });
    const abort = new AbortController();
    const waitingForV2 = new Promise<void>((resolve) =>
      owner.on('wait:started', (wait) => {
        if (wait.kind === 'signal' && wait.from?.join() === 'v2') resolve(); // v1's answer was taken
      }),
    );
    const barrier = owner.waitForSignals(['v1', 'v2'], { types: 'completion', timeoutMs: 2_000, signal: abort.signal });
    await waitingForV2;
    abort.abort();
    await assert.rejects(barrier, AbortedError);
    assert.equal((await owner.blockUntilSignal({ from: 'v1', timeoutMs: 500 })).payload, 0.9, 'v1\'s answer is not lost');
  });

  test('acknowledging a copy of a signal (no entryId) removes its inbox entry', async () => {
    fresh();
    const a = await c.start('coord-a');
    const b = await c.start('coord-copy');
    await a.sendSignal('coord-copy', 'wake');
    const { entryId: _d, ...copy } = await b.blockUntilSignal({ timeoutMs: 1_000 });
    await b.acknowledge(copy);
    await b.stop();
    const next = await c.start('coord-copy');
    await assert.rejects(next.blockUntilSignal({ timeoutMs: 100 }), SignalTimeoutError);
    assert.deepEqual(next.getMetrics().signalsRejected, {}, 'nothing left to be rejected as a replay');
  });

  test('two workers started with the same worker id never both lead', async () => {
    const ns = uniqueSwarm('twins');
    const options = { store, secret: SECRET, namespace: ns, leaseTimeoutMs: 300, heartbeatIntervalMs: 50, workerTimeoutMs: 1_000, workerId: 'twin', logger: recordingLogger() };
    const twins = [new GlobalCoordinator(options), new GlobalCoordinator(options)];
    await Promise.all(twins.map((gc) => gc.start()));
    let samples = 0;
    let violations = 0;
    let enough!: () => void;
    const sampled = new Promise<void>((resolve) => (enough = resolve));
    const sample = () => {
      samples += 1;
      if (twins.filter((gc) => gc.isLeader()).length > 1) violations += 1;
      if (samples >= 10) enough();
    };
    for (const gc of twins) {
      gc.on('lease:renewed', sample);
      gc.on('leader:changed', sample);
    }
    await sampled;
    assert.equal(violations, 0, 'at most one twin leads at every sample');
    assert.equal(twins.filter((gc) => gc.isLeader()).length, 1);
    await Promise.all(twins.map((gc) => gc.stop()));
  });
});
