import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { existsSync } from 'node:fs';
import { Cluster, Redis } from 'ioredis';
import { freePort, startRedis, startRedisCluster } from './redis-server.js';

/** Resolves 'refused' if nothing listens on the port, 'connected' otherwise. */
function probePort(port: number): Promise<'refused' | 'connected'> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      socket.destroy();
      if (err.code === 'ECONNREFUSED') resolve('refused');
      else reject(err);
    });
  });
}

describe('redis-server harness', { timeout: 60_000 }, () => {
  test('freePort returns a bindable loopback port', async () => {
    const port = await freePort();
    assert.ok(Number.isInteger(port) && port > 0 && port < 65536);
    assert.equal(await probePort(port), 'refused');
  });

  test('startRedis: private server answers SET/GET and is gone after stop()', async () => {
    const server = await startRedis();
    assert.equal(server.host, '127.0.0.1');
    assert.equal(server.url, `redis://127.0.0.1:${server.port}`);

    const client = new Redis(server.url, { maxRetriesPerRequest: 1 });
    try {
      assert.equal(await client.set('harness:key', 'value'), 'OK');
      assert.equal(await client.get('harness:key'), 'value');
      // Persistence is off.
      const config = (await client.config('GET', 'save')) as string[];
      assert.deepEqual(config, ['save', '']);
      const info = await client.info('server');
      assert.match(info, new RegExp(`process_id:${server.process.pid}\\b`));
    } finally {
      await client.quit();
    }

    const dir = server.process.spawnargs[server.process.spawnargs.indexOf('--dir') + 1];
    assert.ok(dir && existsSync(dir), 'temp dir exists while running');

    await server.stop();
    await server.stop(); // idempotent
    assert.notEqual(server.process.exitCode === null && server.process.signalCode === null, true);
    assert.equal(await probePort(server.port), 'refused');
    assert.equal(existsSync(dir), false, 'temp dir removed');
  });

  test('startRedis: extraArgs are passed through; kill() then stop() cleans up', async () => {
    const server = await startRedis({ extraArgs: ['--maxmemory', '10mb'] });
    const client = new Redis(server.port, server.host, { maxRetriesPerRequest: 0 });
    client.on('error', () => {});
    try {
      assert.deepEqual(await client.config('GET', 'maxmemory'), ['maxmemory', String(10 * 1024 * 1024)]);
    } finally {
      client.disconnect();
    }
    server.kill();
    await server.stop();
    assert.equal(server.process.signalCode, 'SIGKILL');
    assert.equal(await probePort(server.port), 'refused');
  });

  test('startRedisCluster: 3 masters serve keys across all slots', async () => {
    const cluster = await startRedisCluster(3);
    assert.equal(cluster.nodes.length, 3);
    assert.equal(cluster.servers.length, 3);

    const client = new Cluster(cluster.nodes, { redisOptions: { maxRetriesPerRequest: 1 } });
    try {
      const keys = Array.from({ length: 50 }, (_, i) => `harness:cluster:${i}`);
      const slots = new Set<number>();
      for (const key of keys) {
        slots.add(Number(await client.cluster('KEYSLOT', key)));
      }
      assert.equal(slots.size, 50, 'keys hash to 50 different slots');

      for (const key of keys) await client.set(key, `v:${key}`);
      for (const key of keys) assert.equal(await client.get(key), `v:${key}`);

      const info = String(await client.cluster('INFO'));
      assert.match(info, /cluster_state:ok/);
      assert.match(info, /cluster_known_nodes:3/);
      assert.match(info, /cluster_slots_assigned:16384/);

      // Every master actually holds some of the keys.
      for (const server of cluster.servers) {
        const node = new Redis(server.port, server.host, { maxRetriesPerRequest: 1 });
        try {
          assert.ok((await node.dbsize()) > 0, `node ${server.port} holds keys`);
        } finally {
          await node.quit();
        }
      }
    } finally {
      await client.quit();
      await cluster.stop();
    }

    await cluster.stop(); // idempotent
    for (const node of cluster.nodes) {
      assert.equal(await probePort(node.port), 'refused');
    }
  });
});
