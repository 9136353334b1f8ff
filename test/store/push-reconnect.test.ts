import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { createStore } from '../../src/store/create-store.js';
import type { Store } from '../../src/store/port.js';
import { Coordinators, uniqueSwarm } from '../support/coordinators.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';

let server: RedisServer;
let store: Store;
let admin: Redis;
before(async () => {
  server = await startRedis();
  store = await createStore({ url: server.url });
  admin = new Redis(server.port, server.host);
});
after(async () => {
  await store.close();
  admin.disconnect();
  await server.stop();
});

/** Drops the process's push connection, as a network blip or a `CLIENT KILL` would. */
async function killPushConnection(): Promise<void> {
  const killed = Number(await admin.client('KILL', 'TYPE', 'pubsub'));
  assert.equal(killed, 1, 'one push connection serves the whole process');
}

test('a signal pushed while the push connection was down is read after it reconnects', async () => {
  const c = new Coordinators(() => store, uniqueSwarm());
  const [a, b] = await Promise.all([c.start('coord-a'), c.start('coord-b')]);
  const waiting = b.blockUntilSignal({ timeoutMs: 5_000 });
  await killPushConnection();
  const sent = await a.sendSignal('coord-b', 'wake', { payload: 'sent during the gap' });
  const signal = await waiting;
  assert.equal(signal.messageId, sent.messageId);
  assert.equal(signal.payload, 'sent during the gap');
  await c.shutdownAll();
});

test('an ACK given while the push connection was down reaches the waiting sender', async () => {
  const c = new Coordinators(() => store, uniqueSwarm());
  const [a, b] = await Promise.all([c.start('coord-a'), c.start('coord-b')]);
  const { messageId } = await a.sendSignal('coord-b', 'validate');
  const signal = await b.blockUntilSignal({ timeoutMs: 2_000 });
  const acks = a.waitForAcks(['coord-b'], messageId, 5_000);
  await killPushConnection();
  const ack = await b.acknowledge(signal);
  assert.deepEqual((await acks).get('coord-b'), ack);
  // And pushes flow again: a second round needs no catch-up.
  const next = await a.sendSignal('coord-b', 'decide');
  const decided = await b.blockUntilSignal({ timeoutMs: 2_000 });
  assert.equal(decided.messageId, next.messageId);
  await c.shutdownAll();
});
