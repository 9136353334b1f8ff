import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cluster, Redis } from 'ioredis';
import { StoreClosedError, StoreUnavailableError } from '../../src/protocol/errors.js';
import { createStore } from '../../src/store/create-store.js';
import { operationDeadlineMs } from '../../src/store/redis/call-deadlines.js';
import { Coordinators, uniqueSwarm } from '../support/coordinators.js';
import { recordingLogger } from '../support/recording-logger.js';
import { startRedis, startRedisCluster } from '../support/redis-server.js';

test('the operation deadline is twice the client commandTimeout, 10 s for a client without one', () => {
  const lazy = { lazyConnect: true } as const;
  const clients = [new Redis(lazy), new Redis({ ...lazy, commandTimeout: 250 }), new Cluster([{ port: 1 }], { ...lazy, redisOptions: { commandTimeout: 300 } }), new Cluster([{ port: 1 }], lazy)];
  assert.deepEqual(clients.map(operationDeadlineMs), [10_000, 500, 600, 10_000]);
  for (const client of clients) client.disconnect();
});

/**
 * ioredis queues a Cluster's commands with no timer while no node is reachable, and its
 * clusterRetryStrategy never gives up: without a deadline of our own a send would wait for ever.
 */
test('a Cluster with every node down: operations fail with StoreUnavailableError by their deadline; close() fails those in flight at once', { timeout: 60_000 }, async () => {
  const cluster = await startRedisCluster(3);
  const commandTimeout = 250;
  const store = await createStore({ cluster: cluster.nodes, redisOptions: { commandTimeout }, logger: recordingLogger() });
  const c = new Coordinators(() => store, uniqueSwarm('down'));
  try {
    const sender = await c.start('sender');
    await cluster.stop(); // every node gone for good

    const begun = performance.now();
    await assert.rejects(sender.sendSignal('receiver', 'wake'), StoreUnavailableError);
    const tookMs = performance.now() - begun;
    assert.ok(tookMs < 2 * commandTimeout + 1_000, `failed after ${tookMs.toFixed(0)} ms`);

    const inFlight = store.listSwarms();
    const closing = store.close();
    await assert.rejects(inFlight, StoreClosedError);
    await closing;
  } finally {
    await c.shutdownAll(); // deregistering fails on a closed store, is logged, and does not throw
    await store.close();
  }
});

test('waitForAcks returns by its timeout (plus the final read, 1 s at most) while Redis is frozen', { timeout: 30_000 }, async () => {
  const server = await startRedis();
  const store = await createStore({ url: server.url, logger: recordingLogger() }); // commandTimeout 5 s
  const c = new Coordinators(() => store, uniqueSwarm('frozen'));
  try {
    const waiter = await c.start('waiter');
    server.kill('SIGSTOP');
    const timeoutMs = 300;
    const begun = performance.now();
    // Another sender's message: the wait reads the ACK keys first, then once more at the timeout.
    const acks = await waiter.waitForAcks(['v1', 'v2'], 'someone:validate:1700000000000', { timeoutMs: timeoutMs });
    const tookMs = performance.now() - begun;
    assert.equal(acks.size, 0);
    assert.ok(tookMs >= timeoutMs - 5 && tookMs < timeoutMs + 1_000 + 1_000, `returned after ${tookMs.toFixed(0)} ms`);
  } finally {
    server.kill('SIGCONT');
    await c.shutdownAll();
    await store.close();
    await server.stop();
  }
});

/**
 * A subscribe has its own, longer timeout (10 s), which also unsubscribes it: the operation
 * deadline must not end it first and leave the listener subscribed when Redis answers late.
 */
test('a subscribe Redis does not confirm fails by its own timeout and stays unsubscribed when Redis answers late', { timeout: 30_000 }, async () => {
  const server = await startRedis();
  const store = await createStore({ url: server.url, redisOptions: { commandTimeout: 200 }, logger: recordingLogger() });
  const admin = new Redis(server.port, server.host);
  const swarm = uniqueSwarm('sub');
  let heard = 0;
  try {
    server.kill('SIGSTOP');
    const begun = performance.now();
    await assert.rejects(store.subscribe({ swarmId: swarm, coordinatorId: 'late' }, { signal: () => void (heard += 1), resync: () => undefined }), StoreUnavailableError);
    const tookMs = performance.now() - begun;
    assert.ok(tookMs >= 9_900, `failed after ${tookMs.toFixed(0)} ms: its own timeout, not the 400 ms operation deadline`);
    server.kill('SIGCONT');
    // A later subscribe on the same push connection is confirmed after Redis has run what was queued before it.
    const probe = await store.subscribe({ swarmId: swarm, coordinatorId: 'probe' }, { resync: () => undefined });
    assert.equal(await admin.publish(`blocking:push:{${swarm}}:late`, '{}'), 0, 'nobody is subscribed to the channel');
    await probe.close();
    assert.equal(heard, 0);
  } finally {
    server.kill('SIGCONT');
    admin.disconnect();
    await store.close();
    await server.stop();
  }
});
