/**
 * `rendezvous serve` as a separate process on a private Redis, with coordinators in other
 * processes: every endpoint of the contract, the token checks, bad input, and the secret kept in.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { keys } from '../../src/protocol/keys.js';
import { startCoordinatorProcess, type CoordinatorProcess } from '../support/child-process.js';
import { api, EventFeed, startDaemon, type DaemonProcess } from '../support/daemon-process.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { until } from '../support/until.js';

const SECRET = 'daemon-api-secret-5f1e9c0a7b3d4e2f8a6c1b0d9e7f3a2c';
const WRITE = 'write-token-abcdefghijklmnop';
const READ = 'read-token-abcdefghijklmnopq';
const SWARM = 'api-swarm';

describe('rendezvous serve: the ops API', () => {
  let redis: RedisServer;
  let raw: Redis;
  let daemon: DaemonProcess;
  const children: CoordinatorProcess[] = [];
  /** Every body the daemon answered, for the secret check. */
  const bodies: string[] = [];
  const call = async (path: string, options: Parameters<typeof api>[2] = {}) => {
    const answer = await api(daemon.url, path, options);
    bodies.push(answer.text);
    return answer;
  };
  const child = async (id: string, mode: string) => {
    const process = startCoordinatorProcess({ STORE_SPEC: JSON.stringify({ url: redis.url }), COORD_ID: id, SWARM_ID: SWARM, SECRET, MODE: mode });
    children.push(process);
    return process;
  };

  before(async () => {
    redis = await startRedis();
    raw = new Redis(redis.url);
    // Escalation only by hand here (the escalate test decides when): the checks warn, never reach maxWarnings.
    daemon = await startDaemon(['--check-interval-ms', '200', '--lease-timeout-ms', '1500', '--max-warnings', '1000'], {
      REDIS_URL: redis.url,
      BLOCKING_COORDINATION_SECRET: SECRET,
      RENDEZVOUS_API_TOKEN: WRITE,
      RENDEZVOUS_API_READ_TOKEN: READ,
    });
    assert.deepEqual(await (await child('worker-1', 'ack-all')).nextLine(), { ready: true });
    assert.deepEqual(await (await child('worker-2', 'idle')).nextLine(), { ready: true });
  });

  after(async () => {
    for (const c of children) c.child.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    const exit = await daemon?.stop();
    assert.deepEqual(exit, { code: 0, signal: null }, `SIGTERM exits 0 (stderr: ${daemon?.stderr().slice(-2_000)})`);
    raw?.disconnect();
    await redis?.stop();
  });

  test('GET /health, /ready, /metrics and / answer without a token', async () => {
    const health = await call('/health');
    assert.equal(health.status, 200);
    assert.equal((health.body as { status: string }).status, 'ok');
    assert.match((health.body as { version: string }).version, /^\d+\.\d+\.\d+/);
    await until('the daemon leads (the only one)', async () => (await call('/ready')).status === 200);
    const ready = (await call('/ready')).body as { ready: boolean; store: { reachable: boolean; latencyMs: number; breaker: { state: string } }; supervisor: { isLeader: boolean; leaderId: string; epoch: number } };
    assert.equal(ready.ready, true);
    assert.equal(ready.store.reachable, true);
    assert.equal(ready.store.breaker.state, 'closed');
    assert.equal(ready.supervisor.isLeader, true);
    assert.ok(ready.supervisor.epoch >= 1 && typeof ready.supervisor.leaderId === 'string');
    await call('/api/coordinators/x/y', { token: READ }); // a templated route, counted below
    const metrics = await call('/metrics');
    assert.equal(metrics.status, 200);
    assert.match(metrics.text, /^process_cpu_user_seconds_total \d/m, 'default process metrics');
    assert.match(metrics.text, /rendezvous_http_requests_total\{route="\/health",method="GET",status="200"\} [1-9]/);
    assert.match(metrics.text, /route="\/api\/coordinators\/:swarm\/:id"/, 'route templates');
    assert.doesNotMatch(metrics.text, /route="\/api\/coordinators\/x\/y"/, 'never raw paths');
    const page = await call('/');
    assert.equal(page.status, 200);
    assert.match(page.text, /<html|<!doctype/i);
  });

  test('tokens: none or a wrong one is 401, a read token on a mutating route 403, ?token only on /api/events', async () => {
    const none = await call('/api/coordinators');
    assert.equal(none.status, 401);
    assert.equal((none.body as { error: { code: string } }).error.code, 'RDV_ERR_UNAUTHORIZED');
    assert.equal((await call('/api/coordinators', { token: 'wrong-token-abcdefghijklmn' })).status, 401);
    assert.equal((await call('/api/coordinators', { token: WRITE.slice(0, -1) })).status, 401, 'a prefix of the token is wrong');
    assert.equal((await call('/api/nonexistent')).status, 401, 'unknown /api paths need a token too');
    for (const path of ['/%61pi/coordinators', '/api/coordinators/', '/api//coordinators', '/api/coordinators?swarm=x&token=' + READ]) {
      assert.ok([401, 404].includes((await call(path)).status), `${path}: no token, no data`);
    }
    assert.equal((await call(`/api/leaders?token=${READ}`)).status, 401, 'the query token is for the event stream only');
    assert.equal((await call('/api/coordinators', { token: READ })).status, 200);
    for (const path of ['/api/timeouts/force-check', '/api/circuit-breaker/reset', '/api/cleanup', '/api/signals/retry-failed']) {
      const answer = await call(path, { method: 'POST', token: READ });
      assert.equal(answer.status, 403, path);
      assert.deepEqual((answer.body as { error: object }).error, { code: 'RDV_ERR_FORBIDDEN', message: (answer.body as { error: { message: string } }).error.message, retryable: false });
    }
    const feed = new EventFeed(daemon.url, READ);
    assert.equal(await feed.opened, 200);
    feed.close();
    const refused = new EventFeed(daemon.url, 'wrong-token-abcdefghijklmn');
    assert.equal(await refused.opened, 401);
    refused.close();
  });

  test('GET /api/coordinators lists the swarm with state, heartbeat age and pending counts, batched', async () => {
    await until('both coordinators listed alive', async () => {
      const { body } = await call(`/api/coordinators?swarm=${SWARM}`, { token: READ });
      const swarm = (body as { swarms: { coordinators: { id: string; state: string }[] }[] }).swarms[0];
      return ['worker-1', 'worker-2'].every((id) => swarm?.coordinators.some((c) => c.id === id && c.state === 'alive'));
    });
    const { body } = await call('/api/coordinators', { token: READ });
    const answer = body as { generatedAt: number; swarms: { swarmId: string; coordinators: Record<string, unknown>[]; deadlocks: unknown[] }[] };
    assert.ok(answer.generatedAt > 1_700_000_000_000, 'store ms');
    const swarm = answer.swarms.find((s) => s.swarmId === SWARM)!;
    assert.deepEqual(swarm.deadlocks, []);
    const view = swarm.coordinators.find((c) => c.id === 'worker-2')!;
    assert.deepEqual(Object.keys(view).sort(), ['heartbeatAgeMs', 'id', 'iteration', 'lastSeen', 'pendingSignals', 'phase', 'replacedBy', 'replaces', 'state', 'status', 'swarmId', 'waitingFor', 'warnings'].sort());
    assert.equal(view.swarmId, SWARM);
    assert.equal(view.status, 'active');
    assert.equal(view.warnings, 0);
    assert.ok((view.heartbeatAgeMs as number) >= 0 && (view.heartbeatAgeMs as number) < 5_000);
    assert.equal((await call('/api/coordinators?swarm=bad%20id', { token: READ })).status, 400);
    assert.equal((await call('/api/coordinators?bogus=1', { token: READ })).status, 400);
  });

  test('POST /api/signals/send signs and delivers; an idempotency key is recognised; the detail verifies pending signals', async () => {
    const sent = await call('/api/signals/send', { token: WRITE, body: { swarmId: SWARM, to: 'worker-2', type: 'wake', payload: { note: 'from ops' }, idempotencyKey: 'ops-1' } });
    assert.equal(sent.status, 200, sent.text);
    const { messageId, isDuplicate } = sent.body as { messageId: string; isDuplicate: boolean };
    assert.match(messageId, /^rendezvous-ops:wake:\d+$/);
    assert.equal(isDuplicate, false);
    const again = await call('/api/signals/send', { token: WRITE, body: { swarmId: SWARM, to: 'worker-2', type: 'wake', idempotencyKey: 'ops-1' } });
    assert.deepEqual(again.body, { messageId, isDuplicate: true });
    // A forged entry beside it: a signature no holder of the secret made.
    await raw.xadd(keys.inbox(SWARM, 'worker-2'), '*', 'signal', JSON.stringify({ v: 1, messageId: 'mallory:wake:1', senderId: 'mallory', receiverId: 'worker-2', type: 'wake', timestamp: 1, signature: 'ab'.repeat(32) }));

    await until('worker-2 shows 2 pending', async () => {
      const { body } = await call(`/api/coordinators?swarm=${SWARM}`, { token: READ });
      return (body as { swarms: { coordinators: { id: string; pendingSignals: number }[] }[] }).swarms[0]!.coordinators.some((c) => c.id === 'worker-2' && c.pendingSignals >= 2);
    });
    const detail = await call(`/api/coordinators/${SWARM}/worker-2`, { token: READ });
    assert.equal(detail.status, 200);
    const { coordinator, pending } = detail.body as { coordinator: { id: string }; pending: Record<string, unknown>[] };
    assert.equal(coordinator.id, 'worker-2');
    const mine = pending.find((p) => p.messageId === messageId)!;
    assert.equal(mine.verified, true);
    assert.equal(mine.reason, null);
    assert.equal(mine.senderId, 'rendezvous-ops');
    assert.equal(mine.type, 'wake');
    assert.equal('payload' in mine, false, 'payloads are not returned by default');
    const forged = pending.find((p) => p.messageId === 'mallory:wake:1')!;
    assert.equal(forged.verified, false);
    assert.equal(forged.reason, 'bad_signature');
    const withPayloads = await call(`/api/coordinators/${SWARM}/worker-2?payloads=true`, { token: READ });
    assert.deepEqual((withPayloads.body as { pending: { messageId: string; payload?: unknown }[] }).pending.find((p) => p.messageId === messageId)!.payload, { note: 'from ops' });
    assert.equal((await call(`/api/coordinators/${SWARM}/nobody-here`, { token: READ })).status, 404);
    assert.equal((await call(`/api/coordinators/${SWARM}/bad:id`, { token: READ })).status, 400);
  });

  test('POST /api/signals/retry: acknowledged, resent (in the inbox, receiver listening), unknown; never a second copy', async () => {
    const toAcker = await call('/api/signals/send', { token: WRITE, body: { swarmId: SWARM, to: 'worker-1', type: 'validate' } });
    const acked = (toAcker.body as { messageId: string }).messageId;
    await until('worker-1 acknowledged it', async () => ((await call('/api/signals/retry', { token: WRITE, body: { swarmId: SWARM, to: 'worker-1', messageId: acked } })).body as { outcome: string }).outcome === 'acknowledged');

    const toIdle = await call('/api/signals/send', { token: WRITE, body: { swarmId: SWARM, to: 'worker-2', type: 'checkpoint' } });
    const waiting = (toIdle.body as { messageId: string }).messageId;
    const copies = async () => (await raw.xrange(keys.inbox(SWARM, 'worker-2'), '-', '+')).filter(([, fields]) => fields[1]?.includes(`"messageId":"${waiting}"`)).length;
    assert.equal(await copies(), 1);
    const retried = await call('/api/signals/retry', { token: WRITE, body: { swarmId: SWARM, to: 'worker-2', messageId: waiting } });
    assert.deepEqual(retried.body, { messageId: waiting, outcome: 'resent' });
    const twice = await call('/api/signals/retry', { token: WRITE, body: { swarmId: SWARM, to: 'worker-2', messageId: waiting } });
    assert.deepEqual(twice.body, { messageId: waiting, outcome: 'resent' });
    assert.equal(await copies(), 1, 'retries append no second copy');

    const offline = await call('/api/signals/send', { token: WRITE, body: { swarmId: SWARM, to: 'offline-1', type: 'wake' } });
    const parked = (offline.body as { messageId: string }).messageId;
    assert.deepEqual((await call('/api/signals/retry', { token: WRITE, body: { swarmId: SWARM, to: 'offline-1', messageId: parked } })).body, { messageId: parked, outcome: 'pending' });
    assert.deepEqual((await call('/api/signals/retry', { token: WRITE, body: { swarmId: SWARM, to: 'worker-2', messageId: 'x:wake:1' } })).body, { messageId: 'x:wake:1', outcome: 'unknown' });

    const failed = await call('/api/signals/retry-failed', { token: WRITE, body: { swarmId: SWARM, olderThanMs: 0 } });
    assert.equal(failed.status, 200);
    const report = failed.body as { examined: number; resent: number; results: { to: string; messageId: string; outcome: string }[] };
    assert.ok(report.examined >= 1, JSON.stringify(report));
    assert.ok(report.results.some((r) => r.to === 'worker-2' && r.messageId === waiting && r.outcome === 'resent'));
    assert.equal(report.resent, report.results.filter((r) => r.outcome === 'resent').length);
    assert.equal((await call('/api/signals/retry-failed', { method: 'POST', token: WRITE })).status, 200, 'no body: every swarm, default age');
  });

  test('GET /api/leaders, POST /api/timeouts/force-check, /api/cleanup (dry run by default), escalate, /api/circuit-breaker/reset', async () => {
    const leaders = (await call('/api/leaders', { token: READ })).body as { namespaces: { namespace: string; leaderId: string; epoch: number; leaseRemainingMs: number; workers: { workerId: string; heartbeatAgeMs: number }[] }[] };
    const supervisor = leaders.namespaces.find((n) => n.namespace === 'supervisor')!;
    assert.ok(supervisor.leaderId && supervisor.epoch >= 1 && supervisor.leaseRemainingMs > 0);
    assert.deepEqual(supervisor.workers.map((w) => w.workerId), [supervisor.leaderId]);

    const check = await call('/api/timeouts/force-check', { method: 'POST', token: WRITE });
    assert.equal(check.status, 200, check.text);
    const ran = check.body as { ranOn: string; epoch: number; durationMs: number; swarms: number };
    assert.equal(ran.ranOn, supervisor.leaderId);
    assert.equal(ran.epoch, supervisor.epoch);
    assert.ok(ran.swarms >= 1 && ran.durationMs >= 0);

    await raw.set(keys.heartbeat('ghost-1'), JSON.stringify({ coordinatorId: 'ghost-1', swarmId: SWARM, timestamp: 1, iteration: 0, phase: 'x', status: 'active', sequence: 1 }));
    await raw.zadd(keys.registry(SWARM), 1, 'ghost-1');
    const dry = await call('/api/cleanup', { method: 'POST', token: WRITE, body: {} });
    assert.equal(dry.status, 200);
    const report = dry.body as { dryRun: boolean; staleCoordinators: string[]; wouldDelete: string[] };
    assert.equal(report.dryRun, true);
    assert.ok(report.staleCoordinators.includes('ghost-1'));
    assert.ok(report.wouldDelete.includes(keys.heartbeat('ghost-1')));
    assert.equal(await raw.exists(keys.heartbeat('ghost-1')), 1, 'a dry run deletes nothing');
    const real = await call('/api/cleanup', { method: 'POST', token: WRITE, body: { dryRun: false } });
    assert.equal((real.body as { dryRun: boolean }).dryRun, false);
    assert.equal(await raw.exists(keys.heartbeat('ghost-1')), 0);

    // A coordinator long silent (registered, heartbeat key gone), escalated by hand: once, then the same replacement.
    await raw.zadd(keys.registry(SWARM), Date.now() - 3_600_000, 'silent-1');
    const escalated = await call(`/api/coordinators/${SWARM}/silent-1/escalate`, { method: 'POST', token: WRITE });
    assert.equal(escalated.status, 200, escalated.text);
    const { replacementId, outcome } = escalated.body as { coordinatorId: string; replacementId: string; outcome: string };
    assert.deepEqual(escalated.body, { coordinatorId: 'silent-1', replacementId, outcome: 'created' });
    assert.match(replacementId, /^silent-1/);
    assert.equal(outcome, 'created');
    const again = await call(`/api/coordinators/${SWARM}/silent-1/escalate`, { method: 'POST', token: WRITE });
    assert.deepEqual(again.body, { coordinatorId: 'silent-1', replacementId, outcome: 'existing' });
    const replaced = await call(`/api/coordinators/${SWARM}/silent-1`, { token: READ });
    assert.equal((replaced.body as { coordinator: { state: string; replacedBy: string } }).coordinator.state, 'replaced');
    assert.equal((replaced.body as { coordinator: { replacedBy: string } }).coordinator.replacedBy, replacementId);
    assert.equal((await call(`/api/coordinators/${SWARM}/silent-1/escalate`, { method: 'POST', token: READ })).status, 403);

    const reset = await call('/api/circuit-breaker/reset', { method: 'POST', token: WRITE });
    assert.equal(reset.status, 200);
    assert.equal((reset.body as { state: string }).state, 'closed');
  });

  test('GET /api/events streams signals and ACKs fleet-wide, each with type, at and swarmId', async () => {
    const feed = new EventFeed(daemon.url, READ);
    assert.equal(await feed.opened, 200);
    const sent = await call('/api/signals/send', { token: WRITE, body: { swarmId: SWARM, to: 'worker-1', type: 'decide' } });
    const messageId = (sent.body as { messageId: string }).messageId;
    const signal = await feed.waitFor('the signal', (e) => e.name === 'signal' && e.data.messageId === messageId);
    assert.equal(signal.data.type, 'signal');
    assert.equal(signal.data.swarmId, SWARM);
    assert.equal(signal.data.to, 'worker-1');
    assert.equal(signal.data.from, 'rendezvous-ops');
    assert.equal(signal.data.signalType, 'decide');
    assert.ok(typeof signal.data.at === 'number' && typeof signal.data.latencyMs === 'number');
    const ack = await feed.waitFor('its ACK', (e) => e.name === 'ack' && e.data.messageId === messageId);
    assert.deepEqual({ to: ack.data.to, from: ack.data.from, swarmId: ack.data.swarmId }, { to: 'rendezvous-ops', from: 'worker-1', swarmId: SWARM });
    await call('/api/cleanup', { method: 'POST', token: WRITE, body: { dryRun: true } });
    const cleanup = await feed.waitFor('the cleanup report', (e) => e.name === 'cleanup');
    assert.equal(cleanup.data.dryRun, true);
    assert.equal(typeof cleanup.data.checked, 'number');
    assert.ok(feed.events.every((e) => e.data.type === e.name && typeof e.data.at === 'number'));
    feed.close();
  });

  test('bad input gets a typed 4xx and never crashes the daemon', async () => {
    const cases: [string, Parameters<typeof api>[2], number][] = [
      ['/api/signals/send', { token: WRITE, body: '{"swarmId": ' }, 400],
      ['/api/signals/send', { token: WRITE, body: '[]' }, 400],
      ['/api/signals/send', { token: WRITE, body: { swarmId: SWARM, to: 'a b', type: 'wake' } }, 400],
      ['/api/signals/send', { token: WRITE, body: { swarmId: SWARM, to: 'x'.repeat(65), type: 'wake' } }, 400],
      ['/api/signals/send', { token: WRITE, body: { swarmId: SWARM, to: 'w', type: 'wake', extra: 1 } }, 400],
      ['/api/signals/send', { token: WRITE, body: { swarmId: SWARM, to: 'w', type: 'wake', iteration: -1 } }, 400],
      ['/api/signals/send', { token: WRITE, body: { swarmId: SWARM, to: 'w', type: 'wake', payload: 'x'.repeat(2_000_000) } }, 413],
      ['/api/signals/retry', { token: WRITE, body: { swarmId: SWARM, to: 'w' } }, 400],
      ['/api/cleanup', { token: WRITE, body: { dryRun: 'no' } }, 400],
      ['/api/timeouts/force-check', { token: WRITE, body: { please: true } }, 400],
      ['/api/signals/send', { token: WRITE, body: 'swarmId=x', headers: { 'content-type': 'text/plain' } }, 400],
      ['/api/coordinators/a/b/c', { token: READ }, 404],
    ];
    for (const [path, options, status] of cases) {
      const answer = await call(path, options);
      assert.equal(answer.status, status, `${path} ${JSON.stringify(options?.body)?.slice(0, 80)}: ${answer.text.slice(0, 200)}`);
      const error = (answer.body as { error: { code: string; message: string; retryable: boolean } }).error;
      assert.match(error.code, /^RDV_ERR_(INVALID_REQUEST|NOT_FOUND)$/);
      assert.equal(typeof error.message, 'string');
      assert.equal(error.retryable, false);
    }
    assert.equal((await call('/health')).status, 200, 'still running');
  });

  test('the signing secret appears in no response and no log line', async () => {
    await call('/api/coordinators', { token: READ });
    assert.ok(bodies.length > 30, `checked ${bodies.length} bodies`);
    for (const body of bodies) assert.equal(body.includes(SECRET), false);
    assert.equal(daemon.stderr().includes(SECRET), false);
    assert.equal(daemon.stderr().includes(WRITE) || daemon.stderr().includes(READ), false, 'nor the tokens');
    assert.ok(daemon.stderr().length > 0, 'the daemon logs');
  });
});
