import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort, redisServerBinary, startRedis, type RedisServer } from './redis-server.js';
import { until } from './until.js';

export interface SentinelGroup {
  /** The master at the start (a failover changes who is master: ask the sentinels, masterPort()). */
  master: RedisServer;
  /** The first replica at the start. */
  replica: RedisServer;
  /** Every replica at the start. */
  replicas: RedisServer[];
  /** Every data server, by port. */
  servers: Map<number, RedisServer>;
  /** The sentinels' ports (127.0.0.1). */
  sentinels: number[];
  masterName: string;
  /** The port of the master the first sentinel names now. */
  masterPort(): Promise<number>;
  /** Stops the sentinels, then the servers. Idempotent. */
  stop(): Promise<void>;
}

async function ask<T>(port: number, command: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined); // a server still starting refuses: the caller asks again
  try {
    await client.connect();
    return await command(client);
  } finally {
    client.disconnect();
  }
}

/** A sentinel process on a free port watching `masterPort`, with a config file of its own (sentinels rewrite it). */
async function startSentinel(masterName: string, masterPort: number): Promise<{ port: number; child: ChildProcess; dir: string }> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rendezvous-sentinel-'));
  const conf = path.join(dir, 'sentinel.conf');
  writeFileSync(conf, [
    `port ${port}`, 'bind 127.0.0.1', 'protected-mode no', `dir ${dir}`, 'loglevel warning',
    `sentinel monitor ${masterName} 127.0.0.1 ${masterPort} 2`,
    `sentinel down-after-milliseconds ${masterName} 1000`,
    `sentinel failover-timeout ${masterName} 5000`,
    `sentinel parallel-syncs ${masterName} 1`,
  ].join('\n'));
  const child = spawn(redisServerBinary(), [conf, '--sentinel'], { stdio: 'ignore' });
  child.unref();
  process.once('exit', () => child.kill('SIGKILL'));
  await until(`sentinel on ${port} answers`, async () => (await ask(port, (c) => c.ping())) === 'PONG', 10_000);
  return { port, child, dir };
}

/** A private master, `replicaCount` replicas (default 1) and three sentinels (quorum 2, a master is down after 1 s). */
export async function startSentinelGroup(masterName = 'rdvmaster', replicaCount = 1): Promise<SentinelGroup> {
  const master = await startRedis({ extraArgs: ['--repl-diskless-sync-delay', '0'] }); // replicas sync at once, not after 5 s
  const replicas = await Promise.all(Array.from({ length: replicaCount }, () => startRedis({ extraArgs: ['--replicaof', '127.0.0.1', String(master.port), '--repl-diskless-sync-delay', '0'] })));
  for (const replica of replicas) {
    await until('the replica is in sync', async () => /master_link_status:up/.test(await ask(replica.port, (c) => c.info('replication'))));
  }
  const sentinels = await Promise.all([0, 1, 2].map(() => startSentinel(masterName, master.port)));
  // A failover needs every sentinel to know the replica and the other sentinels.
  await until('the sentinels know the replica and each other', async () => {
    for (const { port } of sentinels) {
      const peers = (await ask(port, (c) => c.call('SENTINEL', 'SENTINELS', masterName))) as unknown[];
      const known = (await ask(port, (c) => c.call('SENTINEL', 'REPLICAS', masterName))) as unknown[];
      if (known.length < replicaCount || peers.length < 2) return false;
    }
    return true;
  });
  let stopped: Promise<void> | undefined;
  return {
    master,
    replica: replicas[0]!,
    replicas,
    servers: new Map([master, ...replicas].map((server) => [server.port, server])),
    sentinels: sentinels.map((s) => s.port),
    masterName,
    masterPort: async () => Number(((await ask(sentinels[0]!.port, (c) => c.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName))) as string[])[1]),
    stop: () =>
      (stopped ??= (async () => {
        for (const s of sentinels) s.child.kill('SIGKILL');
        for (const s of sentinels) rmSync(s.dir, { recursive: true, force: true });
        await Promise.all([master, ...replicas].map((server) => server.stop()));
      })()),
  };
}
