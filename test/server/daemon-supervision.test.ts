/**
 * Two `rendezvous serve` processes on one private Redis, compressed timings: exactly one
 * supervises; a SIGKILLed coordinator's warning and escalation reach both feeds; SIGTERM hands
 * the lease to the other daemon.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startCoordinatorProcess, type CoordinatorProcess } from '../support/child-process.js';
import { promtool } from '../support/promtool.js';
import { api, EventFeed, startDaemon, type DaemonProcess } from '../support/daemon-process.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { until } from '../support/until.js';

const SECRET = 'daemon-sup-secret-0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const TOKEN = 'sup-write-token-0123456789';
const SWARM = 'sup-swarm';
const FLAGS = ['--check-interval-ms', '100', '--dead-threshold-ms', '800', '--max-warnings', '2', '--lease-timeout-ms', '1500', '--keepalive-ms', '300'];

interface Ready {
  supervisor: { isLeader: boolean; leaderId: string | null; workerId: string; epoch: number | null };
}

describe('rendezvous serve: two daemons, one supervisor', () => {
  let redis: RedisServer;
  const daemons: DaemonProcess[] = [];
  const feeds: EventFeed[] = [];
  let victim: CoordinatorProcess | undefined;
  const ready = async (d: DaemonProcess) => (await api(d.url, '/ready')).body as Ready;

  before(async () => {
    redis = await startRedis();
    const env = { REDIS_URL: redis.url, BLOCKING_COORDINATION_SECRET: SECRET, RENDEZVOUS_API_TOKEN: TOKEN };
    daemons.push(await startDaemon(FLAGS, env), await startDaemon(FLAGS, env));
    await until('a leader both agree on', async () => {
      const [a, b] = await Promise.all(daemons.map(ready));
      return a!.supervisor.leaderId !== null && a!.supervisor.leaderId === b!.supervisor.leaderId;
    });
  });

  after(async () => {
    victim?.child.kill('SIGKILL');
    for (const feed of feeds) feed.close();
    await Promise.all(daemons.map((d) => d.stop()));
    await redis?.stop();
  });

  test('exactly one daemon leads; force-check on the follower is 409 with the leader id', async () => {
    const views = await Promise.all(daemons.map(ready));
    assert.equal(views.filter((v) => v.supervisor.isLeader).length, 1);
    const leader = daemons[views.findIndex((v) => v.supervisor.isLeader)]!;
    const follower = daemons[views.findIndex((v) => !v.supervisor.isLeader)]!;
    const leaderId = views.find((v) => v.supervisor.isLeader)!.supervisor.workerId;

    const refused = await api(follower.url, '/api/timeouts/force-check', { method: 'POST', token: TOKEN });
    assert.equal(refused.status, 409);
    assert.deepEqual(refused.body, { error: { code: 'RDV_ERR_NOT_LEADER', message: (refused.body as { error: { message: string } }).error.message, retryable: true, leaderId } });
    const ran = await api(leader.url, '/api/timeouts/force-check', { method: 'POST', token: TOKEN });
    assert.equal(ran.status, 200);
    assert.equal((ran.body as { ranOn: string }).ranOn, leaderId);
    const escalate = await api(follower.url, `/api/coordinators/${SWARM}/someone/escalate`, { method: 'POST', token: TOKEN });
    assert.equal(escalate.status, 409);
    // The scheduled cleanup is leader work: it ran (at once, on taking the lease) on the leader only.
    await until('the leader ran its cleanup', async () => /"msg":"cleanup complete"/.test(leader.stderr()));
    assert.doesNotMatch(follower.stderr(), /"msg":"cleanup complete"/);
  });

  test('a SIGKILLed coordinator: warning and escalation on both daemons\' feeds, replaced in the read model', async () => {
    for (const d of daemons) {
      const feed = new EventFeed(d.url, TOKEN);
      assert.equal(await feed.opened, 200);
      feeds.push(feed);
    }
    victim = startCoordinatorProcess({ STORE_SPEC: JSON.stringify({ url: redis.url }), COORD_ID: 'victim-1', SWARM_ID: SWARM, SECRET, MODE: 'idle' });
    assert.deepEqual(await victim.nextLine(), { ready: true });
    await until('listed alive', async () => {
      const { body } = await api(daemons[0]!.url, `/api/coordinators?swarm=${SWARM}`, { token: TOKEN });
      return (body as { swarms: { coordinators: { id: string; state: string }[] }[] }).swarms[0]?.coordinators.some((c) => c.id === 'victim-1' && c.state === 'alive') ?? false;
    });
    victim.child.kill('SIGKILL');
    await victim.exited;
    for (const feed of feeds) {
      const warning = await feed.waitFor('a warning', (e) => e.name === 'warning' && e.data.coordinatorId === 'victim-1');
      assert.equal(warning.data.swarmId, SWARM);
      assert.ok((warning.data.count as number) >= 1);
      const escalation = await feed.waitFor('the escalation', (e) => e.name === 'escalation' && e.data.coordinatorId === 'victim-1');
      assert.match(escalation.data.replacementId as string, /^victim-1/);
      await feed.waitFor('the replacement', (e) => e.name === 'replacement' && e.data.coordinatorId === 'victim-1');
      await feed.waitFor('its timeout (first warning)', (e) => e.name === 'timeout' && e.data.coordinatorId === 'victim-1');
      assert.equal(feed.events.filter((e) => e.name === 'recovered' && e.data.coordinatorId === 'victim-1').length, 0, 'an escalation is no recovery');
      for (const event of feed.events) assert.ok(typeof event.data.at === 'number' && event.data.type === event.name, JSON.stringify(event));
      await until('a keepalive comment', async () => feed.comments.includes('keepalive'), 5_000);
    }
    const { body } = await api(daemons[1]!.url, `/api/coordinators?swarm=${SWARM}`, { token: TOKEN });
    const view = (body as { swarms: { coordinators: { id: string; state: string; replacedBy: string | null }[] }[] }).swarms[0]!.coordinators.find((c) => c.id === 'victim-1');
    assert.equal(view?.state, 'replaced');
    assert.match(view?.replacedBy ?? '', /^victim-1/);

    // ... and in /metrics: the leader counted it; exactly one daemon says it leads.
    const views = await Promise.all(daemons.map(ready));
    const leader = daemons[views.findIndex((v) => v.supervisor.isLeader)]!;
    const scrape = async (d: DaemonProcess) => (await fetch(`${d.url}/metrics`)).text();
    const text = await scrape(leader);
    assert.match(text, new RegExp(`^timeout_events_total\\{swarm="${SWARM}",kind="coordinator_dead"\\} [1-9]`, 'm'));
    assert.match(text, new RegExp(`^rendezvous_warnings_total\\{swarm="${SWARM}"\\} [1-9]`, 'm'));
    assert.match(text, new RegExp(`^rendezvous_escalations_total\\{swarm="${SWARM}"\\} 1$`, 'm'));
    assert.match(text, /^rendezvous_supervisor_checks_total [1-9]/m);
    assert.match(text, /^circuit_breaker_state\{state="closed"\} 1$/m);
    const leading = await Promise.all(daemons.map(async (d) => /^rendezvous_is_leader\{namespace="[^"]+"\} 1$/m.test(await scrape(d))));
    assert.deepEqual(leading.filter(Boolean).length, 1, 'one daemon exports rendezvous_is_leader 1');
    // The daemon's whole scrape (process metrics, HTTP, the library's) passes promtool's lint.
    const lint = await promtool(['check', 'metrics'], text);
    assert.deepEqual(lint, { code: 0, lines: [] });
  });

  test('SIGTERM: the leader exits 0 and the other daemon takes the lease', async () => {
    const views = await Promise.all(daemons.map(ready));
    const i = views.findIndex((v) => v.supervisor.isLeader);
    const leader = daemons[i]!;
    const other = daemons[1 - i]!;
    const epoch = views[i]!.supervisor.epoch!;
    const feed = feeds[1 - i]!;
    const stopped = performance.now();
    assert.deepEqual(await leader.stop(), { code: 0, signal: null });
    await until('the other daemon leads', async () => (await ready(other)).supervisor.isLeader, 10_000);
    // Handed over, not expired: well within one lease (1.5 s) of the stop.
    assert.ok(performance.now() - stopped < 1_500 + 1_000, `took ${Math.round(performance.now() - stopped)} ms`);
    const now = await ready(other);
    assert.ok(now.supervisor.epoch! > epoch);
    const leaderEvent = await feed.waitFor('a leader event', (e) => e.name === 'leader' && e.data.leaderId === now.supervisor.workerId);
    assert.equal(leaderEvent.data.namespace, 'supervisor');
    const ran = await api(other.url, '/api/timeouts/force-check', { method: 'POST', token: TOKEN });
    assert.equal(ran.status, 200);
    assert.ok(!leader.stderr().includes(SECRET) && !other.stderr().includes(SECRET));
  });
});
