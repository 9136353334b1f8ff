/**
 * The URL forms that name several nodes, as an operator sets REDIS_URL for the CLI and the daemon:
 * redis+cluster:// (a Cluster's seed nodes) and redis+sentinel:// (a Sentinel group). The library
 * takes them through createStore; the built CLI's store commands and its raw checks (doctor,
 * collect-diagnostics) reach every server the data lives on.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { BlockingCoordinator, createStore, type Store } from '../../src/index.js';
import { InvalidConfigError } from '../../src/protocol/errors.js';
import { parseClusterUrl } from '../../src/store/redis/cluster-url.js';
import { runBuilt, show } from '../support/built-cli.js';
import { SECRET } from '../support/coordinators.js';
import { api, startDaemon } from '../support/daemon-process.js';
import { recordingLogger } from '../support/recording-logger.js';
import { startRedisCluster, type RedisCluster } from '../support/redis-server.js';
import { startSentinelGroup, type SentinelGroup } from '../support/sentinel-group.js';
import { until } from '../support/until.js';

const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

interface DoctorReport {
  status: string;
  checks: { name: string; status: string; detail: string }[];
}

describe('the Cluster URL form', () => {
  test('seed nodes and credentials', () => {
    assert.deepEqual(parseClusterUrl('redis+cluster://app:s%40cret@10.0.0.1:7000,10.0.0.2:7001', 'url'), {
      nodes: [{ host: '10.0.0.1', port: 7000 }, { host: '10.0.0.2', port: 7001 }],
      username: 'app',
      password: 's@cret',
    });
    assert.deepEqual(parseClusterUrl('redis+cluster://h:1', 'url'), { nodes: [{ host: 'h', port: 1 }] });
  });

  for (const bad of ['redis+cluster://h', 'redis+cluster://h:0', 'redis+cluster://h:1,', 'redis+cluster://h:1/0', 'redis+cluster://u:p%ZZ@h:1', 'redis+cluster://h:1/x@y:2']) {
    test(`refused: ${bad}`, async () => {
      assert.throws(() => parseClusterUrl(bad, '`url`'), (error: unknown) => error instanceof InvalidConfigError && /redis\+cluster:\/\//.test(error.message));
      // createStore refuses it the same way, before any connection.
      await assert.rejects(createStore({ url: bad, logger: silent }), InvalidConfigError);
    });
  }
});

describe('REDIS_URL=redis+cluster://', { timeout: 120_000 }, () => {
  let cluster: RedisCluster;
  let url: string;
  let store: Store;
  let coordinator: BlockingCoordinator;
  let env: Record<string, string>;
  let dir: string;

  before(async () => {
    cluster = await startRedisCluster(3);
    // One seed node is enough: the client learns the others.
    url = `redis+cluster://${cluster.nodes[0]!.host}:${cluster.nodes[0]!.port}`;
    env = { REDIS_URL: url, BLOCKING_COORDINATION_SECRET: SECRET, NO_COLOR: '1' };
    dir = mkdtempSync(path.join(tmpdir(), 'rdv-cluster-url-'));
    store = await createStore({ url, logger: recordingLogger() });
    coordinator = new BlockingCoordinator({ id: 'cluster-coord', store, secret: SECRET, swarmId: 'cluster-url', logger: silent, env: {} });
    await coordinator.start();
  });

  after(async () => {
    await coordinator?.stop();
    await store?.close();
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('createStore reaches the Cluster from one seed node, and signals travel between stores', async () => {
    const other = await createStore({ url: `redis+cluster://${cluster.nodes.map((n) => `${n.host}:${n.port}`).join(',')}`, logger: recordingLogger() });
    const receiver = new BlockingCoordinator({ id: 'cluster-receiver', store: other, secret: SECRET, swarmId: 'cluster-url', logger: silent, env: {} });
    try {
      await receiver.start();
      const { messageId } = await coordinator.sendSignal('cluster-receiver', 'wake');
      await receiver.acknowledge(await receiver.blockUntilSignal({ timeoutMs: 5_000 }));
      assert.equal((await coordinator.waitForAcks(['cluster-receiver'], messageId, { timeoutMs: 5_000 })).size, 1);
    } finally {
      await receiver.stop();
      await other.close();
    }
  });

  test('the CLI reads the coordinators on the Cluster', async () => {
    const run = await runBuilt(['coordinators', '--json'], env);
    assert.equal(run.code, 0, show(run));
    const { swarms } = JSON.parse(run.stdout) as { swarms: { swarmId: string; coordinators: { id: string }[] }[] };
    assert.ok(swarms.find((s) => s.swarmId === 'cluster-url')?.coordinators.some((c) => c.id === 'cluster-coord'), run.stdout);
  });

  test('doctor checks every master, each named by host:port', async () => {
    const run = await runBuilt(['doctor', '--json'], env);
    const report = JSON.parse(run.stdout) as DoctorReport;
    const latency = report.checks.filter((c) => c.name === 'redis.latency');
    assert.deepEqual(latency.map((c) => c.detail.split(': ')[0]).sort(), cluster.nodes.map((n) => `${n.host}:${n.port}`).sort(), show(run));
    assert.ok(!report.checks.some((c) => c.name === 'redis.reachable'), show(run));
    assert.deepEqual(report.checks.filter((c) => c.name === 'redis.cluster').map((c) => c.status), ['pass', 'pass', 'pass'], show(run));
    // Private test servers run without persistence: a warning (exit 1), on each master.
    assert.equal(report.checks.filter((c) => c.name === 'redis.persistence' && c.status === 'warn').length, 3, show(run));
    assert.equal(run.code, 1, show(run));
    // The human table has a row per master, and says each thing to do once.
    const human = await runBuilt(['doctor'], env);
    const [table = '', todo = ''] = human.stdout.split('\nwhat to do:\n');
    assert.equal(table.split('\n').filter((line) => line.startsWith('redis.persistence')).length, 3, show(human));
    assert.equal(todo.split('\n').filter((line) => line.trim().startsWith('redis.persistence:')).length, 1, show(human));
  });

  test('collect-diagnostics has the INFO of every master', async () => {
    const file = path.join(dir, 'bundle.json');
    const run = await runBuilt(['collect-diagnostics', '-o', file], env);
    assert.equal(run.code, 0, show(run));
    const bundle = JSON.parse(readFileSync(file, 'utf8')) as { config: Record<string, string>; redis: { info: Record<string, string>; nodes: { node: string; info: Record<string, string> }[]; keyCounts: Record<string, number> } };
    assert.equal(bundle.redis.nodes.length, 3);
    for (const node of bundle.redis.nodes) assert.equal(node.info.cluster_enabled, '1', node.node);
    assert.equal(bundle.config.REDIS_URL, url);
    assert.ok(bundle.redis.keyCounts['blocking:heartbeat']! >= 1, JSON.stringify(bundle.redis.keyCounts));
  });

  test('the daemon runs on the Cluster: it takes the supervisor lease (sealed, verified by the CLI) and serves the read model', async () => {
    const token = 'cluster-read-token-0123456789';
    const daemon = await startDaemon(['--check-interval-ms', '200'], { ...env, RENDEZVOUS_API_TOKEN: token });
    try {
      await until('the daemon leads', async () => (await api(daemon.url, '/ready')).status === 200);
      const read = await api(daemon.url, '/api/coordinators', { token });
      assert.equal(read.status, 200);
      const { swarms } = read.body as { swarms: { swarmId: string; coordinators: { id: string }[] }[] };
      assert.ok(swarms.find((s) => s.swarmId === 'cluster-url')?.coordinators.some((c) => c.id === 'cluster-coord'), JSON.stringify(read.body));
      const leaders = await runBuilt(['leaders', '--json'], env);
      const supervisor = (JSON.parse(leaders.stdout) as { namespaces: { namespace: string; verdict: string }[] }).namespaces.find((n) => n.namespace === 'supervisor');
      assert.equal(supervisor?.verdict, 'held', leaders.stdout); // a sealed lease that verifies
    } finally {
      assert.equal((await daemon.stop()).code, 0);
    }
  });

  test('doctor with no Cluster node answering says so (exit 2), it does not wait', async () => {
    const run = await runBuilt(['doctor', '--json'], { ...env, REDIS_URL: 'redis+cluster://127.0.0.1:1' });
    assert.equal(run.code, 2, show(run));
    const report = JSON.parse(run.stdout) as DoctorReport;
    assert.equal(report.checks[0]?.name, 'redis.reachable', show(run));
  });

  // Last: it stops a master.
  test('a master down while the others answer: doctor names it as unreachable and checks the others', async () => {
    const down = cluster.servers[2]!;
    await down.stop();
    // Once the others have marked it failed (cluster-node-timeout), the Cluster refuses key commands: the store's checks cannot run.
    const survivor = new Redis(cluster.nodes[0]!.port, cluster.nodes[0]!.host);
    try {
      await until('the Cluster sees the master down', async () => /cluster_state:fail/.test(String(await survivor.call('CLUSTER', 'INFO'))));
    } finally {
      survivor.disconnect();
    }
    const run = await runBuilt(['doctor', '--json'], env, 30_000);
    assert.ok(run.stdout.startsWith('{'), show(run));
    const report = JSON.parse(run.stdout) as DoctorReport;
    const reachable = report.checks.filter((c) => c.name === 'redis.reachable');
    assert.equal(reachable.length, 1, show(run));
    assert.match(reachable[0]!.detail, new RegExp(`^127\\.0\\.0\\.1:${down.port}: cannot connect`), show(run));
    assert.equal(report.checks.filter((c) => c.name === 'redis.latency').length, 2, show(run));
    assert.deepEqual(report.checks.filter((c) => c.name === 'redis.cluster').map((c) => c.status), ['fail', 'fail'], show(run));
    for (const name of ['supervisor.leader', 'coordinators.stale', 'keys.ttl']) assert.equal(report.checks.find((c) => c.name === name)?.status, 'fail', `${name}: ${show(run)}`);
    assert.equal(run.code, 2, show(run));
  });
});

describe('REDIS_URL=redis+sentinel://', { timeout: 120_000 }, () => {
  let group: SentinelGroup;

  before(async () => {
    group = await startSentinelGroup();
  });
  after(async () => {
    await group?.stop();
  });

  test('doctor checks the master the sentinels name, and says which it is', async () => {
    const url = `redis+sentinel://${group.sentinels.map((p) => `127.0.0.1:${p}`).join(',')}/${group.masterName}`;
    const run = await runBuilt(['doctor', '--json'], { REDIS_URL: url, BLOCKING_COORDINATION_SECRET: SECRET, NO_COLOR: '1' });
    const report = JSON.parse(run.stdout) as DoctorReport;
    const latency = report.checks.filter((c) => c.name === 'redis.latency');
    assert.equal(latency.length, 1, show(run));
    assert.match(latency[0]!.detail, new RegExp(`^127\\.0\\.0\\.1:${group.master.port} \\(master ${group.masterName}\\): `), show(run));
    assert.notEqual(run.code, 2, show(run));
  });
});
