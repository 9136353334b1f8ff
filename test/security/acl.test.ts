/**
 * The minimal Redis ACL of docs/security.md, run as written there (the line is read from the page):
 * a full round as that user is refused nothing (ACL LOG shows only the CONFIG GET the eviction
 * check falls back from), and the user cannot reach what is not Rendezvous'.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { encodeActivity } from '../../src/protocol/activity.js';
import type { PendingSpawn, Store } from '../../src/store/port.js';
import { createStore } from '../../src/store/create-store.js';
import { cleanupStaleState } from '../../src/supervision/cleanup.js';
import { GlobalCoordinator } from '../../src/supervision/global-coordinator.js';
import type { SpawnRequest } from '../../src/supervision/spawner.js';
import { CoordinatorTimeoutHandler } from '../../src/supervision/timeout-handler.js';
import { Coordinators, SECRET, uniqueSwarm } from '../support/coordinators.js';
import { recordingLogger, type LogRecord } from '../support/recording-logger.js';
import { startRedis, startRedisCluster, type RedisCluster, type RedisServer } from '../support/redis-server.js';
import { until } from '../support/until.js';
import { aclSetuserArgs } from './security-doc.js';

const USER = 'rendezvous';
const PASSWORD = randomBytes(16).toString('hex');
const ELECTION = { secret: SECRET, leaseTimeoutMs: 1_500, heartbeatIntervalMs: 100, workerTimeoutMs: 1_000 } as const;

/** Resolves with `work`, or fails the test after `ms` instead of hanging it. */
async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)));
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** ACL LOG as records: `reason` (command, key, channel, auth), `object` (the command, key or channel), `username`. */
async function aclLog(admin: Redis): Promise<Record<string, string>[]> {
  const entries = (await admin.call('ACL', 'LOG')) as unknown[][];
  return entries.map((entry) => {
    const record: Record<string, string> = {};
    for (let i = 0; i + 1 < entry.length; i += 2) record[String(entry[i])] = String(entry[i + 1]);
    return record;
  });
}

/** What Redis refused this user, but the CONFIG GET that createStore's eviction check expects to be refused. */
async function unexpectedRefusals(admin: Redis): Promise<Record<string, string>[]> {
  return (await aclLog(admin)).filter((entry) => entry.username === USER && !(entry.reason === 'command' && entry.object === 'config|get'));
}

function assertNoRefusalLogged(records: LogRecord[]): void {
  const refused = records.filter((r) => /NOPERM|no permissions/.test(`${r.msg} ${String((r.fields.err as Error | undefined)?.message)}`));
  assert.deepEqual(refused.map((r) => r.msg), []);
  assert.ok(!records.some((r) => /maxmemory-policy/.test(r.msg ?? '')), 'the eviction policy was read (INFO memory)');
}

/** Two coordinators: a keyed send and its duplicate, a receive, an ACK and its wait, a heartbeat, work items. */
async function messagingRound(store: Store): Promise<void> {
  const c = new Coordinators(() => store, uniqueSwarm('acl'));
  try {
    const [a, b] = await Promise.all([c.start('coord-a'), c.start('coord-b')]);
    const { messageId } = await a.sendSignal('coord-b', 'wake', { payload: { n: 1 }, idempotencyKey: 'k-1' });
    assert.equal((await a.sendSignal('coord-b', 'wake', { payload: { n: 1 }, idempotencyKey: 'k-1' })).isDuplicate, true);
    const signal = await b.blockUntilSignal({ timeoutMs: 5_000 });
    assert.equal(signal.messageId, messageId);
    await b.acknowledge(signal);
    const acks = await a.waitForAcks(['coord-b'], messageId, { timeoutMs: 5_000 });
    assert.ok(acks.has('coord-b'), 'the ACK came back');
    await a.assignWork('task-1', { step: 1 });
    assert.deepEqual((await a.listWork()).map((item) => item.taskId), ['task-1']);
    await until('a heartbeat is stored', async () => (await store.getHeartbeat('coord-b')) !== null, 5_000);
    for (const coordinator of [a, b]) assert.deepEqual([...coordinator.logs.records.filter((r) => r.level !== 'debug' && r.level !== 'info').map((r) => r.msg)], []);
  } finally {
    await c.shutdownAll();
  }
}

/** A leader election: one worker leads and writes fenced in its slot, the other follows (a blocking read) and leads once the lease is handed back. */
async function electionRound(store: Store, logger: ReturnType<typeof recordingLogger>): Promise<void> {
  const namespace = uniqueSwarm('acl-ns');
  const [first, second] = ['worker-1', 'worker-2'].map((workerId) => new GlobalCoordinator({ store, namespace, workerId, logger, ...ELECTION }));
  try {
    await first!.start();
    assert.equal(first!.isLeader(), true);
    assert.equal(await first!.fenced(first!.getEpoch(), [{ op: 'xadd', key: `swarm:{${namespace}}:acl-out`, body: '{}' }]), true);
    await second!.start();
    assert.equal(second!.isLeader(), false);
    const handedOver = new Promise<void>((resolve) => second!.on('leader:changed', (event) => event.newLeader === 'worker-2' && resolve()));
    await first!.stop();
    await within(5_000, 'the follower leads', handedOver);
    assert.equal(second!.isLeader(), true);
  } finally {
    await Promise.all([first!.stop(), second!.stop()]);
  }
}

describe('the documented ACL user, on a private Redis with a replica', () => {
  let server: RedisServer;
  let replica: RedisServer;
  /** The default user, on database 1 where the round runs (a database in the URL: SELECT). */
  let admin: Redis;
  before(async () => {
    server = await startRedis({ extraArgs: ['--repl-diskless-sync-delay', '0'] }); // the replica syncs at once, not after 5 s
    replica = await startRedis({ extraArgs: ['--replicaof', server.host, String(server.port)] }); // replicated writes: WAIT
    admin = new Redis(server.port, server.host, { db: 1 });
    assert.equal(await admin.call('ACL', 'SETUSER', ...aclSetuserArgs(PASSWORD)), 'OK');
    await until('the replica is in sync', async () => /slave0:.*state=online/.test(await admin.info('replication')));
  });
  after(async () => {
    admin?.disconnect();
    await replica?.stop();
    await server?.stop();
  });

  test('runs a full round and Redis refuses it nothing but CONFIG GET', async () => {
    await admin.call('ACL', 'LOG', 'RESET');
    const logger = recordingLogger();
    const store = await createStore({ url: `redis://${USER}:${PASSWORD}@127.0.0.1:${server.port}/1`, replicatedWrites: { replicas: 1 }, logger, env: {} });
    try {
      assert.equal(await store.time() > 0, true);
      await messagingRound(store);
      await electionRound(store, logger);

      // A supervisor finds a silent coordinator, warns, escalates and cleans up, every write fenced.
      const swarm = uniqueSwarm('acl-sv');
      const now = await store.time();
      const silent = encodeActivity({ coordinatorId: 'coord-silent', swarmId: swarm, iteration: 0, phase: 'work', waitingFor: [], timestamp: now - 10_000 });
      await store.recordActivity({ swarmId: swarm, coordinatorId: 'coord-silent' }, silent, 60_000);
      let pending: PendingSpawn[] = [];
      const spawner = { spawn: async (request: SpawnRequest) => void (pending = await store.pendingSpawns(request.swarmId)) }; // an orchestrator reads the requests
      const handler = new CoordinatorTimeoutHandler({ store, spawner, deadThresholdMs: 2_000, checkIntervalMs: 20, maxWarnings: 1, namespace: uniqueSwarm('acl-sup'), election: ELECTION, logger, env: {} });
      const cleaned = once(handler, 'cleanup:complete');
      const escalated = once(handler, 'coordinator:escalated');
      try {
        await handler.start();
        const [event] = await within(10_000, 'escalation', escalated);
        assert.deepEqual([event.coordinatorId, event.swarmId], ['coord-silent', swarm]);
        assert.deepEqual(pending.map((p) => [p.replacementId, p.replaces]), [[event.replacementId, 'coord-silent']]);
        await within(10_000, 'clean-up', cleaned);
      } finally {
        await handler.stop();
      }

      // cleanupStaleState: a stale coordinator's keys go, a key without a lifetime gets one.
      const stale = uniqueSwarm('acl-stale');
      const old = encodeActivity({ coordinatorId: 'coord-stale', swarmId: stale, iteration: 0, phase: 'work', waitingFor: [], timestamp: now - 60_000 });
      await store.recordActivity({ swarmId: stale, coordinatorId: 'coord-stale' }, old, 60_000);
      await admin.set(`blocking:warning:{${stale}}:nobody`, '1');
      const report = await cleanupStaleState(store, { staleThresholdMs: 1_000, logger });
      assert.deepEqual([report.errors, report.staleCoordinators.includes('coord-stale'), report.keysDeleted > 0, report.ttlsFixed], [0, true, true, 1]);
    } finally {
      await store.close();
    }
    assert.deepEqual(await unexpectedRefusals(admin), []);
    assert.ok((await aclLog(admin)).some((entry) => entry.username === USER && entry.object === 'config|get'), 'the eviction check asked CONFIG GET first, and was refused');
    assertNoRefusalLogged(logger.records);
  });

  test('cannot reach keys, channels or commands that are not Rendezvous’', async () => {
    const user = new Redis({ port: server.port, host: server.host, username: USER, password: PASSWORD, maxRetriesPerRequest: 0 });
    const listener = new Redis({ port: server.port, host: server.host, username: USER, password: PASSWORD, maxRetriesPerRequest: 0 });
    try {
      assert.equal(await user.set('blocking:acl:probe', 'x', 'PX', 60_000), 'OK', 'the control: its own keys are writable');
      const refused: [what: string, run: () => Promise<unknown>][] = [
        ['SET other:key', () => user.set('other:key', 'x')],
        ['GET other:key', () => user.get('other:key')],
        ['a script writing other:key', () => user.eval("return redis.call('SET', KEYS[1], 'x')", 1, 'other:key')],
        ['PUBLISH on another channel', () => user.publish('other-channel', 'x')],
        ['SUBSCRIBE to another channel', () => listener.subscribe('other-channel')],
        ['KEYS', () => user.keys('*')],
        ['FLUSHALL', () => user.flushall()],
        ['FLUSHDB', () => user.flushdb()],
        ['CONFIG GET requirepass', () => user.config('GET', 'requirepass')],
        ['CONFIG SET', () => user.config('SET', 'maxmemory-policy', 'allkeys-lru')],
        ['ACL SETUSER on itself', () => user.call('ACL', 'SETUSER', USER, '+@all')],
        ['SCRIPT FLUSH', () => user.script('FLUSH')],
        ['CLIENT KILL', () => user.client('KILL', 'TYPE', 'normal')],
      ];
      for (const [what, run] of refused) await assert.rejects(run(), /NOPERM/, what);
      assert.equal(await admin.exists('other:key'), 0, 'nothing was written');
    } finally {
      user.disconnect();
      listener.disconnect();
    }
  });
});

describe('the documented ACL user, on every node of a private Cluster', () => {
  let cluster: RedisCluster;
  let admins: Redis[];
  before(async () => {
    cluster = await startRedisCluster(3);
    admins = cluster.nodes.map((node) => new Redis(node.port, node.host));
    for (const admin of admins) assert.equal(await admin.call('ACL', 'SETUSER', ...aclSetuserArgs(PASSWORD)), 'OK');
  });
  after(async () => {
    for (const admin of admins ?? []) admin.disconnect();
    await cluster?.stop();
  });

  test('sends, receives, acknowledges and elects a leader, and no node refuses it anything but CONFIG GET', async () => {
    const logger = recordingLogger();
    const store = await createStore({ cluster: cluster.nodes, redisOptions: { username: USER, password: PASSWORD }, logger, env: {} });
    try {
      await messagingRound(store);
      await electionRound(store, logger);
    } finally {
      await store.close();
    }
    for (const admin of admins) assert.deepEqual(await unexpectedRefusals(admin), [], `node ${admin.options.port}`);
    assertNoRefusalLogged(logger.records);
  });
});
