import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { createStore, type CreateStoreOptions } from '../../src/store/create-store.js';
import type { Store } from '../../src/store/port.js';
import { Coordinators, uniqueSwarm } from '../support/coordinators.js';
import { startRedis, startRedisCluster } from '../support/redis-server.js';

interface Topology {
  name: string;
  start(): Promise<{ spec: CreateStoreOptions; nodes: { host: string; port: number }[]; stop(): Promise<void> }>;
}

const topologies: Topology[] = [
  {
    name: 'redis',
    async start() {
      const server = await startRedis();
      return { spec: { url: server.url }, nodes: [server], stop: () => server.stop() };
    },
  },
  {
    name: 'cluster',
    async start() {
      const cluster = await startRedisCluster();
      return { spec: { cluster: cluster.nodes }, nodes: cluster.nodes, stop: () => cluster.stop() };
    },
  },
];

for (const topology of topologies) {
  describe(`push connection lost and back [${topology.name}]`, () => {
    let stop: () => Promise<void>;
    let store: Store;
    let admins: Redis[];
    before(async () => {
      const started = await topology.start();
      stop = started.stop;
      store = await createStore(started.spec);
      admins = started.nodes.map((node) => new Redis(node.port, node.host));
    });
    after(async () => {
      await store.close();
      for (const admin of admins) admin.disconnect();
      await stop();
    });

    /** Drops the process's push connection, as a network blip or an operator's `CLIENT KILL` would. */
    async function killPushConnection(): Promise<void> {
      const killed = await Promise.all(admins.map(async (admin) => Number(await admin.client('KILL', 'TYPE', 'pubsub'))));
      assert.equal(killed.reduce((a, b) => a + b, 0), 1, 'one push connection serves the whole process');
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
      const acks = a.waitForAcks(['coord-b'], messageId, { timeoutMs: 5_000 });
      await killPushConnection();
      const ack = await b.acknowledge(signal);
      assert.deepEqual((await acks).get('coord-b'), ack);
      // And pushes flow again.
      const next = await a.sendSignal('coord-b', 'decide');
      assert.equal((await b.blockUntilSignal({ timeoutMs: 2_000 })).messageId, next.messageId);
      await c.shutdownAll();
    });
  });
}
