/**
 * The operator's commands that act or gather (acks, resend, escalate, leaders release, cleanup,
 * collect-diagnostics, watch), run as the built binary against a private redis-server, with a
 * daemon (the elected supervisor) and coordinators in other processes.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BlockingCoordinator, createStore, type Store } from '../../src/index.js';
import { startCoordinatorProcess, type CoordinatorProcess } from '../support/child-process.js';
import { OTHER_SECRET, SECRET } from '../support/coordinators.js';
import { startDaemon, type DaemonProcess } from '../support/daemon-process.js';
import { freePort, startRedis, type RedisServer } from '../support/redis-server.js';
import { until } from '../support/until.js';
import { BUILT_CLI, runBuilt, show } from '../support/built-cli.js';

const SWARM = 'ops-maint';
const TOKEN = 'write-token-0123456789abcdef0123456789';
const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

describe('rendezvous operator actions', { timeout: 90_000 }, () => {
  let server: RedisServer;
  let store: Store;
  let sender: BlockingCoordinator;
  let daemon: DaemonProcess;
  const children: CoordinatorProcess[] = [];
  let env: Record<string, string>;
  let dir: string;

  const child = (id: string, mode: string) => {
    const c = startCoordinatorProcess({ STORE_SPEC: JSON.stringify({ url: server.url }), COORD_ID: id, SWARM_ID: SWARM, SECRET, MODE: mode });
    children.push(c);
    return c;
  };
  /** The lease as the store holds it: polled in-process (a CLI process per poll would cost seconds). */
  const lease = () => store.readLease('supervisor');
  const leader = async () => {
    const run = await runBuilt(['leaders', '--json'], env);
    return (JSON.parse(run.stdout) as { namespaces: { namespace: string; verdict: string; leaderId: string | null; epoch: number | null }[] }).namespaces.find((n) => n.namespace === 'supervisor')!;
  };

  before(async () => {
    server = await startRedis();
    dir = mkdtempSync(path.join(tmpdir(), 'rdv-ops-'));
    env = { REDIS_URL: server.url, BLOCKING_COORDINATION_SECRET: SECRET, NO_COLOR: '1' };
    store = await createStore({ url: server.url });
    sender = new BlockingCoordinator({ id: 'coord-a', store, secret: SECRET, swarmId: SWARM, logger: silent, env: {} });
    // Escalation only by hand here: the checks never reach maxWarnings.
    const [started] = await Promise.all([
      startDaemon(['--check-interval-ms', '200', '--lease-timeout-ms', '1500', '--max-warnings', '1000'], { ...env, RENDEZVOUS_API_TOKEN: TOKEN }),
      child('coord-acker', 'ack-all').nextLine(),
      child('coord-ghost', 'idle').nextLine(),
      sender.start(),
    ]);
    daemon = started;
  });

  after(async () => {
    for (const c of children) c.child.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    await daemon?.stop();
    await sender?.stop();
    await store?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('acks and resend: an acknowledged message, a pending one, unknown and malformed ids', async () => {
    const { messageId: acked } = await sender.sendSignal('coord-acker', 'validate', { iteration: 1 });
    const acks = await sender.waitForAcks(['coord-acker'], acked, { timeoutMs: 10_000 });
    assert.equal(acks.size, 1);
    const { messageId: waiting } = await sender.sendSignal('coord-b', 'wake');

    const [json, table, wrong, none, bad, resendAcked, resendWaiting, resendUnknown, resendBad] = await Promise.all([
      runBuilt(['acks', acked, '--json'], env),
      runBuilt(['acks', acked, '--swarm', SWARM], env),
      runBuilt(['acks', acked, '--json'], { ...env, BLOCKING_COORDINATION_SECRET: OTHER_SECRET }),
      runBuilt(['acks', waiting], env),
      runBuilt(['acks', 'not-a-message-id'], env),
      runBuilt(['resend', acked, '--to', 'coord-acker', '--json'], env),
      runBuilt(['resend', waiting, '--to', 'coord-b', '--json'], env),
      runBuilt(['resend', 'coord-a:wake:1', '--to', 'coord-b'], env),
      runBuilt(['resend', waiting], env),
    ]);
    assert.equal(json.code, 0, show(json));
    const doc = JSON.parse(json.stdout) as { messageId: string; acks: { ackerId: string; swarmId: string; status: string; verified: boolean; iteration: number | null }[] };
    assert.equal(doc.messageId, acked);
    assert.deepEqual(doc.acks.map((a) => [a.swarmId, a.ackerId, a.verified, a.iteration]), [[SWARM, 'coord-acker', true, 1]]);
    assert.match(table.stdout, new RegExp(`^${SWARM}\\s+coord-acker\\s+\\S+\\s+1\\s+yes$`, 'm'), show(table));
    assert.equal(wrong.code, 0, show(wrong));
    assert.deepEqual((JSON.parse(wrong.stdout) as typeof doc).acks.map((a) => a.verified), [false]);
    assert.equal(none.code, 3, show(none));
    assert.equal(bad.code, 2, show(bad));
    assert.match(bad.stderr, /RDV_ERR_INVALID_CONFIG: .*not a message id/);

    assert.equal(resendAcked.code, 0, show(resendAcked));
    assert.equal((JSON.parse(resendAcked.stdout) as { outcome: string }).outcome, 'acknowledged');
    assert.equal(resendWaiting.code, 0, show(resendWaiting));
    assert.deepEqual(JSON.parse(resendWaiting.stdout), { messageId: waiting, swarmId: SWARM, to: 'coord-b', outcome: 'pending' });
    assert.equal(resendUnknown.code, 3, show(resendUnknown));
    assert.equal(resendBad.code, 2, show(resendBad));
    assert.match(resendBad.stderr, /--to/);
    // Resending never appends a second copy.
    assert.equal((await store.peekInbox({ swarmId: SWARM, coordinatorId: 'coord-b' }, '0-0', 10)).length, 1);
  });

  test('escalate: through the leading daemon only; created, then existing; refused without a daemon, with a wrong token, or by a daemon that does not lead (6)', async () => {
    await until('the daemon leads', async () => (await lease()).holder !== null);
    const api = { ...env, RENDEZVOUS_API_URL: daemon.url, RENDEZVOUS_API_TOKEN: TOKEN };
    const first = await runBuilt(['escalate', 'coord-b', '--swarm', SWARM, '--json'], api);
    assert.equal(first.code, 0, show(first));
    const created = JSON.parse(first.stdout) as { coordinatorId: string; replacementId: string; outcome: string };
    assert.equal(created.coordinatorId, 'coord-b');
    assert.equal(created.outcome, 'created');
    const [again, beside, wrongToken, noDaemon, badFlags] = await Promise.all([
      runBuilt(['escalate', 'coord-b', '--swarm', SWARM], api),
      runBuilt(['escalate', 'coord-b', '--swarm', SWARM], env),
      runBuilt(['escalate', 'coord-b', '--swarm', SWARM], { ...api, RENDEZVOUS_API_TOKEN: 'wrong-token-0123456789abcdef' }),
      runBuilt(['escalate', 'coord-b', '--swarm', SWARM, '--api', `http://127.0.0.1:${await freePort()}`], api),
      runBuilt(['escalate', 'coord-b'], api),
    ]);
    assert.equal(again.code, 0, show(again));
    assert.equal(again.stdout, `coord-b escalated (existing): replaced by ${created.replacementId}\n`);
    assert.equal(beside.code, 2, show(beside));
    assert.match(beside.stderr, /through the elected supervisor, never beside it/);
    assert.equal(wrongToken.code, 2, show(wrongToken));
    assert.match(wrongToken.stderr, /RDV_ERR_UNAUTHORIZED/);
    assert.equal(noDaemon.code, 4, show(noDaemon));
    assert.equal(badFlags.code, 2, show(badFlags));
    // A daemon that does not lead answers 409 RDV_ERR_NOT_LEADER (test/server covers the daemon's side): exit 6, REFUSED.
    const follower = createServer((_request, response) => {
      response.writeHead(409, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { code: 'RDV_ERR_NOT_LEADER', message: 'This worker does not lead namespace supervisor.', retryable: true, leaderId: 'w-1' } }));
    });
    await new Promise<void>((resolve) => follower.listen(0, '127.0.0.1', resolve));
    try {
      const refused = await runBuilt(['escalate', 'coord-b', '--swarm', SWARM, '--json', '--api', `http://127.0.0.1:${(follower.address() as AddressInfo).port}`], api);
      assert.equal(refused.code, 6, show(refused));
      assert.equal((JSON.parse(refused.stderr) as { error: { code: string } }).error.code, 'RDV_ERR_NOT_LEADER');
    } finally {
      await new Promise((resolve) => follower.close(resolve));
    }
    // The signal waiting for coord-b moved to its replacement, as the supervisor does it.
    const [inbox, listed] = await Promise.all([runBuilt(['inbox', created.replacementId, '--swarm', SWARM, '--json'], env), runBuilt(['coordinators', '--swarm', SWARM, '--json'], env)]);
    assert.equal((JSON.parse(inbox.stdout) as { pending: { verified: boolean }[] }).pending.length, 1, show(inbox));
    const views = (JSON.parse(listed.stdout) as { swarms: { coordinators: { id: string; state: string; replacedBy: string | null }[] }[] }).swarms[0]!.coordinators;
    assert.deepEqual(views.find((c) => c.id === 'coord-b'), { ...views.find((c) => c.id === 'coord-b'), state: 'replaced', replacedBy: created.replacementId });
  });

  test('leaders release: the lease goes, the daemon takes it again under a higher epoch; nobody leads: 3; bad namespace: 2', async () => {
    await until('the daemon leads', async () => (await lease()).holder !== null);
    const before = await leader();
    assert.equal(before.verdict, 'held', 'the daemon\'s sealed lease verifies with the same secret');
    const released = await runBuilt(['leaders', 'release', 'supervisor', '--json'], env);
    assert.equal(released.code, 0, show(released));
    const doc = JSON.parse(released.stdout) as { namespace: string; released: boolean; previousHolder: string; epoch: number };
    assert.deepEqual([doc.namespace, doc.released, doc.previousHolder, doc.epoch], ['supervisor', true, before.leaderId, before.epoch]);
    await until('a new term', async () => {
      const now = await lease();
      return now.holder !== null && now.epoch > before.epoch!;
    });
    const after = await leader();
    assert.equal(after.verdict, 'held');
    assert.ok(after.epoch! > before.epoch!, `epoch ${before.epoch} then ${after.epoch}`);
    const [nobody, bad] = await Promise.all([runBuilt(['leaders', 'release', 'no-such-ns'], env), runBuilt(['leaders', 'release', 'bad:ns'], env)]);
    assert.equal(nobody.code, 3, show(nobody));
    assert.equal(bad.code, 2, show(bad));
  });

  test('cleanup: a dry run lists a killed coordinator\'s keys and deletes nothing; --execute removes them and nothing of the live ones', async () => {
    const ghost = children[1]!; // coord-ghost
    ghost.child.kill('SIGKILL');
    await ghost.exited;
    const killedAt = await store.time();
    // Ages are compared in whole seconds: past 1 s by the store's clock, it is stale.
    await until('the ghost is 2 s silent', async () => (await store.time()) - killedAt > 2_100, 10_000);

    const [dry, both, badThreshold] = await Promise.all([
      runBuilt(['cleanup', '--threshold', '1s', '--json'], env),
      runBuilt(['cleanup', '--dry-run', '--execute'], env),
      runBuilt(['cleanup', '--threshold', 'soon'], env),
    ]);
    assert.equal(dry.code, 0, show(dry));
    const report = JSON.parse(dry.stdout) as { dryRun: boolean; staleCoordinators: string[]; wouldDelete: string[]; keysDeleted: number };
    assert.equal(report.dryRun, true);
    assert.ok(report.staleCoordinators.includes('coord-ghost'), show(dry));
    assert.ok(!report.staleCoordinators.includes('coord-acker'), show(dry));
    assert.ok(report.wouldDelete.includes('blocking:heartbeat:coord-ghost') || report.wouldDelete.some((k) => k.endsWith(':coord-ghost')), show(dry));
    assert.equal(report.keysDeleted, 0);
    assert.equal(both.code, 2, show(both));
    assert.equal(badThreshold.code, 2, show(badThreshold));
    assert.match(badThreshold.stderr, /--threshold must be a duration/);
    const ghostKeys = report.wouldDelete.filter((k) => k.endsWith(':coord-ghost'));
    assert.ok(ghostKeys.length > 0);
    assert.equal((await store.keyTtls(ghostKeys)).filter((t) => t === -2).length, 0, 'the dry run deleted nothing');

    // doctor sees the same: a dead coordinator (past DEAD_THRESHOLD) and a key someone wrote without a TTL.
    const raw = new Redis(server.url);
    try {
      await raw.set('blocking:handmade', 'x');
    } finally {
      raw.disconnect();
    }
    const doctor = await runBuilt(['doctor', '--json'], { ...env, DEAD_THRESHOLD: '1000' });
    const checks = new Map((JSON.parse(doctor.stdout) as { checks: { name: string; status: string; detail: string; fix?: string }[] }).checks.map((c) => [c.name, c]));
    assert.equal(checks.get('supervisor.leader')!.status, 'pass', show(doctor));
    assert.equal(checks.get('coordinators.stale')!.status, 'warn', show(doctor));
    assert.match(checks.get('coordinators.stale')!.detail, /ops-maint\/coord-ghost/);
    assert.match(checks.get('coordinators.stale')!.fix!, /rendezvous cleanup --execute/);
    assert.equal(checks.get('keys.ttl')!.status, 'warn', show(doctor));
    assert.match(checks.get('keys.ttl')!.detail, /blocking:handmade/);

    const run = await runBuilt(['cleanup', '--threshold', '1s', '--execute', '--json'], env);
    assert.equal(run.code, 0, show(run));
    const done = JSON.parse(run.stdout) as { staleCoordinators: string[]; ttlsFixed: number; keysDeleted: number };
    assert.ok(done.staleCoordinators.includes('coord-ghost'), show(run));
    assert.ok(done.keysDeleted >= ghostKeys.length);
    assert.equal(done.ttlsFixed, 1, 'blocking:handmade got a TTL');
    assert.ok((await store.keyTtls(ghostKeys)).every((t) => t === -2), 'the ghost\'s keys are gone');
    assert.notEqual((await store.readStrings(['blocking:heartbeat:coord-acker']))[0], null, 'the live coordinator keeps its heartbeat');
  });

  test('collect-diagnostics: one bundle to a 0600 file, with INFO, key counts, coordinators, leaders; no secret or token in it', async () => {
    const file = path.join(dir, 'bundle.json');
    const run = await runBuilt(['collect-diagnostics', '-o', file], { ...env, RENDEZVOUS_API_TOKEN: TOKEN, REDIS_PASSWORD: 'hunter2-password' });
    assert.equal(run.code, 0, show(run));
    const text = readFileSync(file, 'utf8');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    for (const secret of [SECRET, TOKEN, 'hunter2-password']) assert.ok(!text.includes(secret), `the bundle holds no ${secret.slice(0, 6)}...`);
    const bundle = JSON.parse(text) as {
      bundle: string;
      config: Record<string, string>;
      redis: { info: Record<string, string>; keyCounts: Record<string, number> };
      coordinators: { swarmId: string; coordinators: { id: string }[] }[];
      leaders: { namespace: string }[];
      events: { swarms: { swarmId: string; events: unknown[] }[] };
    };
    assert.equal(bundle.bundle, 'rendezvous-diagnostics/1');
    assert.match(bundle.config.BLOCKING_COORDINATION_SECRET!, /^\(set, \d+ bytes, fingerprint [0-9a-f]{16}\)$/);
    assert.equal(bundle.config.RENDEZVOUS_API_TOKEN, '(set, removed)');
    assert.match(bundle.redis.info.redis_version!, /^\d+\.\d+/);
    assert.ok(bundle.redis.keyCounts['blocking:heartbeat']! >= 1, JSON.stringify(bundle.redis.keyCounts));
    assert.ok(bundle.redis.keyCounts['coordinator:global:leader'] === 1, JSON.stringify(bundle.redis.keyCounts));
    assert.ok(bundle.coordinators.find((s) => s.swarmId === SWARM)!.coordinators.some((c) => c.id === 'coord-acker'));
    assert.ok(bundle.leaders.some((l) => l.namespace === 'supervisor'));
    assert.ok(bundle.events.swarms.find((s) => s.swarmId === SWARM)!.events.length >= 1, 'the escalation is in the swarm event log');
  });

  test('watch: --json frames with coordinators, leaders and the pushes seen; the human view without colour under NO_COLOR', async () => {
    const [json, human] = await Promise.all([runBuilt(['watch', '--json', '--frames', '2', '--interval', '100ms', '--swarm', SWARM], env), runBuilt(['watch', '--frames', '1'], env)]);
    assert.equal(json.code, 0, show(json));
    const frames = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as { swarms: { coordinators: { id: string }[] }[]; leaders: unknown[]; events: unknown[] });
    assert.equal(frames.length, 2);
    assert.ok(frames[0]!.swarms[0]!.coordinators.some((c) => c.id === 'coord-acker'));
    assert.ok(Array.isArray(frames[1]!.events));
    assert.equal(human.code, 0, show(human));
    assert.match(human.stdout, /^rendezvous watch {2}\d{4}-/);
    assert.match(human.stdout, /^leaders: supervisor=/m);
    assert.ok(!human.stdout.includes('\u001b['));
    const bad = await runBuilt(['watch', '--frames', '0'], env);
    assert.equal(bad.code, 2, show(bad));
  });

  test('watch runs until SIGINT, then exits 0', async () => {
    const watch = spawn(process.execPath, [BUILT_CLI, 'watch', '--json', '--interval', '100ms'], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = once(watch, 'exit');
    try {
      const [first] = (await once(watch.stdout.setEncoding('utf8'), 'data')) as [string];
      assert.ok(Array.isArray((JSON.parse(first.split('\n')[0]!) as { swarms: unknown }).swarms));
      watch.kill('SIGINT');
      const [code, signal] = (await exited) as [number | null, string | null];
      assert.deepEqual([code, signal], [0, null]);
    } finally {
      if (watch.exitCode === null && watch.signalCode === null) watch.kill('SIGKILL');
    }
  });

  test('--help on each command, naming its exit codes', async () => {
    const commands = [['acks'], ['resend'], ['escalate'], ['collect-diagnostics'], ['watch']];
    const helps = await Promise.all(commands.map((args) => runBuilt([...args, '--help'])));
    for (const [i, args] of commands.entries()) {
      assert.equal(helps[i]!.code, 0, `${args.join(' ')}: ${show(helps[i]!)}`);
      assert.match(helps[i]!.stdout, /^Usage: rendezvous /m);
      assert.match(helps[i]!.stdout, /Exit codes/);
    }
  });
});
