import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort, startRedis, type RedisServer } from './redis-server.js';
import { until } from './until.js';

/**
 * Adds a private replica to one master of a test cluster (startRedisCluster makes masters only):
 * it joins with CLUSTER MEET, follows the master with CLUSTER REPLICATE, and is returned once the
 * master counts it as a connected replica. Stopping the cluster does not stop it: stop() it.
 */
export async function addClusterReplica(masterPort: number): Promise<RedisServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rendezvous-cluster-replica-'));
  const busPort = await freePort();
  const server = await startRedis({
    extraArgs: ['--cluster-enabled', 'yes', '--cluster-config-file', path.join(dir, 'nodes.conf'), '--cluster-node-timeout', '2000', '--cluster-port', String(busPort)],
  });
  const master = new Redis(masterPort, '127.0.0.1');
  const replica = new Redis(server.port, '127.0.0.1');
  try {
    const masterId = String(await master.call('CLUSTER', 'MYID'));
    await master.config('SET', 'repl-diskless-sync-delay', '0'); // the replica syncs at once, not after 5 s
    await master.call('CLUSTER', 'MEET', '127.0.0.1', String(server.port), String(busPort));
    await until('the new node knows the master', async () => String(await replica.call('CLUSTER', 'NODES')).includes(masterId));
    await replica.call('CLUSTER', 'REPLICATE', masterId);
    await until('the master counts its replica', async () => /connected_slaves:1/.test(await master.info('replication')));
    await until('the replica is in sync', async () => /master_link_status:up/.test(await replica.info('replication')));
    await until('the replica knows who serves every slot', async () => /cluster_state:ok/.test(String(await replica.call('CLUSTER', 'INFO'))));
  } finally {
    master.disconnect();
    replica.disconnect();
  }
  return {
    ...server,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
