import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, test } from 'node:test';
import { SignalTimeoutError, StoreUnavailableError } from '../../src/protocol/errors.js';
import { createStore } from '../../src/store/create-store.js';
import type { Store } from '../../src/store/port.js';
import { Coordinators, uniqueSwarm } from '../support/coordinators.js';
import { recordingLogger } from '../support/recording-logger.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';

let server: RedisServer;
let store: Store;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
before(async () => {
  process.on('unhandledRejection', onUnhandled);
  server = await startRedis();
  store = await createStore({ url: server.url });
});
after(async () => {
  process.off('unhandledRejection', onUnhandled);
  await server.stop();
});

test('a dead Redis gives typed errors and timeouts: no crash, no unhandled rejection, no waiter hung', async () => {
  const c = new Coordinators(() => store, uniqueSwarm());
  const [a, b] = await Promise.all([c.start('dead-a'), c.start('dead-b')]);
  const started = once(b, 'wait:started');
  const waiting = b.blockUntilSignal({ timeoutMs: 800 }).catch((e: unknown) => e);
  const acking = a.waitForAcks(['dead-b'], 'dead-a:wake:1', { timeoutMs: 800 });
  await started;

  const heartbeatFailed = once(a, 'heartbeat:failed');
  server.kill('SIGKILL');
  await once(server.process, 'exit');

  const sendStarted = performance.now();
  await assert.rejects(a.sendSignal('dead-b', 'wake'), StoreUnavailableError);
  assert.ok(performance.now() - sendStarted < 5_000, 'the send failed promptly');
  assert.ok((await waiting) instanceof SignalTimeoutError, 'the waiter timed out instead of hanging');
  assert.equal((await acking).size, 0, 'waitForAcks returned, empty');
  const [error] = await heartbeatFailed;
  assert.ok(error instanceof StoreUnavailableError);

  await c.shutdownAll(); // deregistering fails, is logged, and does not throw
  await store.close();
  assert.deepEqual(unhandled, []);
});

test('createStore against a Redis that is not there fails with a typed error', async () => {
  const { freePort } = await import('../support/redis-server.js');
  const port = await freePort();
  await assert.rejects(createStore({ url: `redis://127.0.0.1:${port}` }), StoreUnavailableError);
});

test('with Redis down, an operation whose commands go together fails as a whole: no row of missing keys, no heartbeat "written"', async () => {
  const down = await startRedis();
  const own = await createStore({ url: down.url, breaker: false, logger: recordingLogger(), redisOptions: { maxRetriesPerRequest: 1, retryStrategy: () => 50 } });
  try {
    assert.deepEqual(await own.readStrings(['blocking:heartbeat:a', 'blocking:heartbeat:b']), [null, null], 'missing keys read as null while Redis answers');
    await down.stop();
    await assert.rejects(own.readStrings(['blocking:heartbeat:a', 'blocking:heartbeat:b']), StoreUnavailableError);
    const beat = { swarmId: 'swarm-down', coordinatorId: 'coord-down', body: '{}', timestamp: 1, ttlMs: 1_000, registryTtlMs: 2_000 };
    await assert.rejects(own.beat(beat), (error) => error instanceof StoreUnavailableError && !/not written/.test(error.message), 'the beat failed with the reason, as one operation');
  } finally {
    await own.close();
  }
});
