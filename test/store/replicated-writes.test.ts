import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { InvalidConfigError, ReplicationShortfallError, RendezvousError } from '../../src/protocol/errors.js';
import { keys } from '../../src/protocol/keys.js';
import { createStore } from '../../src/store/create-store.js';
import type { Store } from '../../src/store/port.js';
import { resolveReplicatedWrites } from '../../src/store/redis/replicated-writes-options.js';
import { Coordinators, uniqueSwarm } from '../support/coordinators.js';
import { recordingLogger } from '../support/recording-logger.js';
import { addClusterReplica } from '../support/cluster-replica.js';
import { startRedis, startRedisCluster, type RedisCluster, type RedisServer } from '../support/redis-server.js';
import { startSentinelGroup, type SentinelGroup } from '../support/sentinel-group.js';
import { until } from '../support/until.js';

const isShortfall = (error: unknown): error is ReplicationShortfallError => error instanceof ReplicationShortfallError && error.code === 'RDV_ERR_REPLICATION_SHORTFALL';

describe('replicatedWrites options', () => {
  test('off unless given or set in the environment; 0 in the environment is off', () => {
    assert.equal(resolveReplicatedWrites(undefined, {}), undefined);
    assert.equal(resolveReplicatedWrites(undefined, { RENDEZVOUS_REPLICATED_WRITES: '0' }), undefined);
    assert.deepEqual(resolveReplicatedWrites(undefined, { RENDEZVOUS_REPLICATED_WRITES: '2', RENDEZVOUS_REPLICATED_WRITES_TIMEOUT_MS: '250' }), { replicas: 2, timeoutMs: 250 });
    assert.deepEqual(resolveReplicatedWrites({ replicas: 1 }, { RENDEZVOUS_REPLICATED_WRITES: '3' }), { replicas: 1 }, 'the option wins');
    assert.equal(resolveReplicatedWrites(false, { RENDEZVOUS_REPLICATED_WRITES: '3' }), undefined, 'false turns it off');
  });

  for (const [bad, what] of [
    [{ replicas: 0 }, /replicas/],
    [{ replicas: 1.5 }, /replicas/],
    [{ replicas: 1, timeoutMs: 0 }, /timeoutMs/],
    [{ replicas: 1, extra: true }, /extra|unrecognized/i],
  ] as const) {
    test(`refused: ${JSON.stringify(bad)}`, () => {
      assert.throws(() => resolveReplicatedWrites(bad as never), (error: unknown) => error instanceof InvalidConfigError && what.test(error.message));
    });
  }

  test('a malformed environment variable is refused, never read as off', () => {
    assert.throws(() => resolveReplicatedWrites(undefined, { RENDEZVOUS_REPLICATED_WRITES: 'yes' }), (error: unknown) => error instanceof InvalidConfigError && /RENDEZVOUS_REPLICATED_WRITES/.test(error.message));
  });

  test('the embedded store refuses the mode: it has no replicas to confirm anything', async () => {
    await assert.rejects(createStore({ kind: 'memory', replicatedWrites: { replicas: 1 } }), (error: unknown) => error instanceof InvalidConfigError && /replicatedWrites needs a Redis store/.test(error.message));
    await assert.rejects(createStore({ env: { RENDEZVOUS_REPLICATED_WRITES: '1' } }), InvalidConfigError);
  });
});

describe('replicated writes on a master and one replica', () => {
  let master: RedisServer;
  let replica: RedisServer;
  let replicaClient: Redis;
  const stores: Store[] = [];
  before(async () => {
    master = await startRedis({ extraArgs: ['--repl-diskless-sync-delay', '0'] }); // a replica syncs at once, not after 5 s
    replica = await startRedis({ extraArgs: ['--replicaof', '127.0.0.1', String(master.port)] });
    replicaClient = new Redis(replica.port, '127.0.0.1');
    await until('the replica is in sync', async () => /master_link_status:up/.test(await replicaClient.info('replication')));
  });
  after(async () => {
    await Promise.all(stores.map((s) => s.close()));
    replicaClient?.disconnect();
    await Promise.all([replica?.stop(), master?.stop()]);
  });
  const open = async (replicas: number, timeoutMs: number) => {
    const logger = recordingLogger();
    const store = await createStore({ url: master.url, replicatedWrites: { replicas, timeoutMs }, logger });
    stores.push(store);
    return { store, logger };
  };

  test('a send and an ACK are on the replica when they resolve', async () => {
    const { store } = await open(1, 2_000);
    const swarm = uniqueSwarm('replicated');
    const c = new Coordinators(() => store, swarm);
    try {
      const [sender, receiver] = [await c.start('rw-a'), await c.start('rw-b')];
      const { messageId } = await sender.sendSignal('rw-b', 'wake', { idempotencyKey: 'k1' });
      // Read at once, no waiting: WAIT answered only after the replica had applied them.
      assert.equal(await replicaClient.exists(keys.idempotency(swarm, 'rw-b', 'k1')), 1);
      assert.equal(await replicaClient.xlen(keys.inbox(swarm, 'rw-b')), 1);
      const signal = await receiver.blockUntilSignal({ timeoutMs: 5_000 });
      assert.equal(signal.messageId, messageId);
      await receiver.acknowledge(signal);
      assert.equal(await replicaClient.exists(keys.ack(swarm, 'rw-b', messageId)), 1);
    } finally {
      await c.shutdownAll();
    }
  });

  test('more replicas asked than connected: a warning at start, and every send a ReplicationShortfallError', async () => {
    const { store, logger } = await open(2, 100);
    assert.ok(logger.records.some((r) => r.level === 'warn' && /1 connected replicas and replicated writes need 2/.test(r.msg ?? '')), 'said at start');
    const c = new Coordinators(() => store, uniqueSwarm('replicated'));
    try {
      const sender = await c.start('rw-c');
      const error = await sender.sendSignal('rw-d', 'wake').then(() => undefined, (e: unknown) => e);
      assert.ok(isShortfall(error), `got ${String(error)}`);
      assert.deepEqual({ ...error.context }, { operation: 'appendSignal', confirmed: 1, required: 2, timeoutMs: 100 });
    } finally {
      await c.shutdownAll();
    }
  });

  test('a stalled replica: the send fails retryably, and its retry once the replica is back is delivered once', async () => {
    const { store } = await open(1, 150);
    const swarm = uniqueSwarm('replicated');
    const c = new Coordinators(() => store, swarm);
    try {
      const [sender, receiver] = [await c.start('rw-e'), await c.start('rw-f')];
      replica.kill('SIGSTOP');
      let error: unknown;
      try {
        error = await sender.sendSignal('rw-f', 'wake', { idempotencyKey: 'stalled' }).then(() => undefined, (e: unknown) => e);
      } finally {
        replica.kill('SIGCONT');
      }
      assert.ok(isShortfall(error), `got ${String(error)}`);
      assert.equal(error.context.confirmed, 0);
      // The first attempt is on the master: the retry finds its idempotency record, nothing is appended twice.
      let retried: { messageId: string; isDuplicate: boolean } | undefined;
      await until('the retry is confirmed', async () => {
        retried = await sender.sendSignal('rw-f', 'wake', { idempotencyKey: 'stalled' });
        return true;
      });
      assert.equal(retried?.isDuplicate, true);
      const signal = await receiver.blockUntilSignal({ timeoutMs: 5_000 });
      assert.equal(signal.messageId, retried?.messageId);
      assert.equal(await replicaClient.xlen(keys.inbox(swarm, 'rw-f')), 1, 'one entry');
    } finally {
      await c.shutdownAll();
    }
  });
  test('a lagging replica holds up sends and ACKs only: other operations go on their own connection', async () => {
    const { store } = await open(1, 2_000);
    const c = new Coordinators(() => store, uniqueSwarm('replicated'));
    try {
      const sender = await c.start('rw-g');
      replica.kill('SIGSTOP');
      const order: string[] = [];
      try {
        const send = sender.sendSignal('rw-h', 'wake').then(() => order.push('send'), () => order.push('send failed'));
        await store.time(); // a command sent after the send, while its WAIT holds the writes' connection
        order.push('other operation');
        replica.kill('SIGCONT');
        await send;
      } finally {
        replica.kill('SIGCONT');
      }
      assert.deepEqual(order, ['other operation', 'send']);
    } finally {
      await c.shutdownAll();
    }
  });
});

describe('replicated writes through a Sentinel failover and a killed master, under traffic', () => {
  let group: SentinelGroup;
  const stores: Store[] = [];
  before(async () => {
    group = await startSentinelGroup('rdvreplicated', 2);
  });
  after(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await group?.stop();
  });

  const restarted: RedisServer[] = [];
  after(() => Promise.all(restarted.map((server) => server.stop())));

  test('every keyed send that resolved is in the inbox once, and none twice', { timeout: 120_000 }, async (t) => {
    const sentinel = { nodes: group.sentinels.map((port) => ({ host: '127.0.0.1', port })), masterName: group.masterName };
    // Every replica confirms each write, so whichever Sentinel promotes has it. (With 1 of 2, a
    // loaded machine saw Sentinel promote the replica that lacked them: thousands lost.)
    // REPLICATED_WRITES_OFF=1 runs it without the mode: sends that resolved are then lost.
    const store = await createStore({ sentinel, replicatedWrites: process.env.REPLICATED_WRITES_OFF ? false : { replicas: 2, timeoutMs: 500 }, logger: recordingLogger() });
    stores.push(store);
    const swarm = uniqueSwarm('failover');
    const c = new Coordinators(() => store, swarm);
    const resolved = new Map<string, string>(); // idempotency key -> message id
    const retryable = new Set(['RDV_ERR_STORE_UNAVAILABLE', 'RDV_ERR_REPLICATION_SHORTFALL', 'RDV_ERR_CIRCUIT_OPEN']);
    let failures = 0;
    const lastFailure = new Map<string, string>(); // code -> its last message, said when a wait times out
    let chaosDone = false;
    const startedAt = performance.now();
    const phase = (what: string) => t.diagnostic(`${Math.round(performance.now() - startedAt)} ms: ${what} (${resolved.size} resolved, ${failures} failed retryably)`);
    try {
      const sender = await c.start('fo-sender');
      // A caller's loop: retrying only what the error says is retryable.
      const untilDone = async <T>(attempt: () => Promise<T>): Promise<T> => {
        for (;;) {
          try {
            return await attempt();
          } catch (error) {
            if (!(error instanceof RendezvousError) || !retryable.has(error.code)) throw error;
            failures += 1;
            lastFailure.set(error.code, error.message);
            await new Promise((r) => setTimeout(r, 20));
          }
        }
      };
      const sendUntilResolved = async (key: string) => {
        const { messageId } = await untilDone(() => sender.sendSignal('fo-receiver', 'work', { idempotencyKey: key }));
        resolved.set(key, messageId);
      };
      let next = 0;
      const worker = async () => {
        while (!chaosDone || resolved.size < 300) await sendUntilResolved(`key-${next++}`);
      };
      const chaos = (async () => {
        const ask = new Redis(group.sentinels[0]!, '127.0.0.1');
        try {
          await until('75 sends resolved', async () => resolved.size >= 75, 30_000);
          phase('75 sends resolved');
          const first = await group.masterPort();
          await ask.call('SENTINEL', 'FAILOVER', group.masterName);
          await until('SENTINEL FAILOVER done', async () => (await group.masterPort()) !== first, 30_000);
          phase('SENTINEL FAILOVER done');
          const mark = resolved.size;
          await until('75 more sends resolved on the new master', async () => resolved.size >= mark + 75, 30_000);
          phase('75 more resolved on the new master');
          const second = await group.masterPort();
          group.servers.get(second)!.kill('SIGKILL');
          // Up to 10 s more when the sentinels' first election splits (each retries after 2x failover-timeout).
          await until('a replica promoted after the kill', async () => (await group.masterPort()) !== second, 45_000);
          phase('a replica promoted after the kill');
          // One replica is left, and every write needs two: until the killed server is back, empty,
          // as a replica of the new master, every send falls short. It comes back as one, as an
          // operator brings a node back (the sentinels would convert a restarted old master only
          // after it has been up 8 s, and under load that alone outlasted this wait).
          await group.servers.get(second)!.stop();
          const third = await group.masterPort();
          restarted.push(await startRedis({ port: second, extraArgs: ['--replicaof', '127.0.0.1', String(third), '--repl-diskless-sync-delay', '0'] }));
          phase('the killed server back as a replica');
          const settled = resolved.size;
          await until('75 more sends resolved after the kill', async () => resolved.size >= settled + 75, 30_000);
        } finally {
          ask.disconnect();
          chaosDone = true;
        }
      })();
      await Promise.all([chaos, worker(), worker(), worker(), worker()]).catch((error: unknown) => {
        throw new Error(`${String(error)}; last failures: ${JSON.stringify(Object.fromEntries(lastFailure))}`);
      });

      const current = new Redis(await group.masterPort(), '127.0.0.1');
      try {
        const entries = await current.xrange(keys.inbox(swarm, 'fo-receiver'), '-', '+');
        const inInbox = entries.map(([, fields]) => (JSON.parse(fields[1]!) as { messageId: string }).messageId);
        const sent = [...resolved.values()];
        assert.equal(new Set(sent).size, resolved.size, 'one message id per key');
        const missing = sent.filter((id) => !inInbox.includes(id));
        assert.deepEqual(missing, [], `lost ${missing.length} of ${sent.length} resolved sends`);
        assert.equal(inInbox.length, new Set(inInbox).size, 'no message twice');
        assert.equal(inInbox.length, sent.length, 'nothing but the resolved sends');
      } finally {
        current.disconnect();
      }
      assert.ok(failures > 0, 'the failover and the kill were felt (otherwise this test proves nothing)');
      t.diagnostic(`${resolved.size} keyed sends resolved, ${failures} attempts failed retryably, none lost or doubled`);

      // And the receiver, started after it all, gets each one once, verified.
      phase('chaos over, every resolved send in the inbox once');
      const receiver = await c.start('fo-receiver');
      const received = new Set<string>();
      while (received.size < resolved.size) {
        const signal = await receiver.blockUntilSignal({ timeoutMs: 10_000 });
        assert.ok(!received.has(signal.messageId), `delivered twice: ${signal.messageId}`);
        received.add(signal.messageId);
        await untilDone(() => receiver.acknowledge(signal));
      }
      phase('each received once');
      assert.deepEqual([...received].sort(), [...resolved.values()].sort());
    } finally {
      chaosDone = true;
      await c.shutdownAll();
    }
  });
});

describe('replicated writes on a Redis Cluster', () => {
  let cluster: RedisCluster;
  let replica: RedisServer;
  let store: Store | undefined;
  before(async () => {
    cluster = await startRedisCluster(2);
    replica = await addClusterReplica(cluster.servers[0]!.port);
  });
  after(async () => {
    await store?.close();
    await replica?.stop();
    await cluster?.stop();
  });

  /** A swarm whose slot the master on `port` serves. */
  const swarmServedBy = async (port: number): Promise<string> => {
    const node = new Redis(port, '127.0.0.1');
    try {
      const ranges = ((await node.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][]).filter(([, , [, owner]]) => owner === port);
      for (let i = 0; ; i++) {
        const swarm = uniqueSwarm('rw-cluster');
        const slot = Number(await node.call('CLUSTER', 'KEYSLOT', keys.inbox(swarm, 'x')));
        if (ranges.some(([start, end]) => slot >= start && slot <= end)) return swarm;
        if (i > 200) throw new Error(`no swarm on ${port}`);
      }
    } finally {
      node.disconnect();
    }
  };

  test("each confirmation asks the node that took the write: confirmed where it has a replica, a shortfall where it has none", async () => {
    const logger = recordingLogger();
    store = await createStore({ cluster: cluster.nodes, replicatedWrites: { replicas: 1, timeoutMs: 200 }, logger });
    const bare = cluster.servers[1]!.port;
    assert.ok(logger.records.some((r) => r.level === 'warn' && r.fields.node === `127.0.0.1:${bare}` && r.fields.connected === 0), 'the master without a replica is named at start');
    const [replicated, unreplicated] = [await swarmServedBy(cluster.servers[0]!.port), await swarmServedBy(bare)];
    const a = new Coordinators(() => store!, replicated);
    const b = new Coordinators(() => store!, unreplicated);
    const reader = new Redis(replica.port, '127.0.0.1');
    try {
      const sender = await a.start('rwc-a');
      await sender.sendSignal('rwc-b', 'wake', { idempotencyKey: 'k' });
      await reader.call('READONLY');
      assert.equal(await reader.exists(keys.idempotency(replicated, 'rwc-b', 'k')), 1, 'on the replica when it resolved');
      const other = await b.start('rwc-c');
      const error = await other.sendSignal('rwc-d', 'wake').then(() => undefined, (e: unknown) => e);
      assert.ok(isShortfall(error), `got ${String(error)}`);
      assert.equal(error.context.confirmed, 0);
    } finally {
      reader.disconnect();
      await Promise.all([a.shutdownAll(), b.shutdownAll()]);
    }
  });
});
