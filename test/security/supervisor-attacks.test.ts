/**
 * Issue 12, point 3, as the attacker: a raw Redis client with no secret writes to our keys while a
 * live supervisor (compressed timings) watches live coordinators on a private redis-server.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, afterEach, before, beforeEach, test } from 'node:test';
import { Redis } from 'ioredis';
import { CHILD_BASE_VARIABLES } from '../../src/core/child-env.js';
import { InvalidIdError } from '../../src/protocol/errors.js';
import { isValidId } from '../../src/protocol/ids.js';
import { keys } from '../../src/protocol/keys.js';
import { createStore } from '../../src/store/create-store.js';
import type { Store } from '../../src/store/port.js';
import { agentProcesses } from '../support/agent-processes.js';
import { Coordinators, SECRET } from '../support/coordinators.js';
import { HookProbe } from '../support/hook-probe.js';
import { recordingLogger } from '../support/recording-logger.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { until } from '../support/until.js';
import { FLOOD_ELECTION, INVALID_IDS, perCheck, supervised } from './supervised.js';

const SWARM = 'attacked';

let server: RedisServer;
let store: Store;
let attacker: Redis;
let coordinators: Coordinators;
let dir: string;
before(async () => {
  server = await startRedis();
  store = await createStore({ url: server.url, logger: recordingLogger() });
  attacker = new Redis(server.port, server.host); // no secret: only what anyone with Redis access has
});
after(async () => {
  attacker.disconnect();
  await store.close();
  await server.stop();
});
beforeEach(async () => {
  await attacker.flushall();
  coordinators = new Coordinators(() => store, SWARM);
  dir = mkdtempSync(path.join(tmpdir(), 'rdv-attack-'));
});
afterEach(async () => {
  await coordinators.shutdownAll();
  rmSync(dir, { recursive: true, force: true });
});

/** Coordinators in processes of their own (test/fixtures/agent-process.ts: a heartbeat every 50 ms, a work item `task-of-<id>`). */
const startAgent = agentProcesses(() => server.url, SWARM, 'silent');

/** A coordinator that crashes: it beats on a store of its own, which is closed under it (no deregistration). */
async function crashable(id: string) {
  const own = await createStore({ url: server.url, logger: recordingLogger() });
  const coordinator = await coordinators.start(id, { store: own });
  return { coordinator, crash: () => own.close() };
}

/** Registry entries the attacker adds to `swarm` in one ZADD (atomic: a check sees all or none), scored `score` (store ms; 1 = long dead). */
async function forgeRegistry(swarm: string, ids: readonly string[], score: number): Promise<void> {
  await attacker.zadd(keys.registry(swarm), ...ids.flatMap((id) => [score, id]));
  await attacker.sadd(keys.swarms(), swarm);
}

test('10,000 forged registry entries: escalations, spawns and hook processes stay within their caps, are counted and logged once; a real death is still escalated first and replaced; no hook sees a secret', { timeout: 90_000 }, async () => {
  const probe = new HookProbe(dir);
  await probe.hold();
  const credentialed = `redis://admin:hunter2-password@127.0.0.1:${server.port}`;
  const sv = withSecretsInProcessEnv(() => supervised(store, {
    maxEscalationsPerCheck: 20,
    maxEscalationsPerMinute: 30,
    maxSpawnsPerCheck: 20,
    maxSpawnsPerMinute: 30,
    hooks: { enabled: true, timeoutMs: 60_000, commands: { on_coordinator_dead: probe.command, on_escalation: probe.command }, maxConcurrent: 4, maxQueued: 16, passEnv: ['REDIS_URL'] },
    env: { REDIS_URL: credentialed, BLOCKING_COORDINATION_SECRET: SECRET, REDIS_PASSWORD: 'hunter2-password' },
    election: FLOOD_ELECTION,
    // The per-minute window stands still: what it holds back does not depend on how long the checks take.
    rateClock: () => 0,
  }));
  let worker: ChildProcess | undefined;
  try {
    // The live coordinator beside the flood beats from a process of its own, as deployed. In this one its beats
    // would wait for the supervisor's checks of the flood, which hold the event loop longer than the 600 ms
    // dead threshold on a loaded machine (seen: beats 2.4 s apart, and the supervisor rightly warned it).
    worker = await startAgent('worker-1');
    const doomed = await crashable('doomed-1');
    await doomed.coordinator.assignWork('task-of-doomed', { step: 1 });
    await sv.handler.start();
    await until('the supervisor has checked the live coordinators', async () => sv.handler.getMetrics().totalChecks >= 3);

    // doomed-1 dies; the attacker scores 10,000 forged entries 1 ms after its last beat, so that they go
    // silent in the same check and, by their scores, would come first: only having seen doomed-1 alive tells them apart.
    await doomed.crash();
    const lastBeat = Number(await attacker.zscore(keys.registry(SWARM), 'doomed-1'));
    await forgeRegistry(SWARM, Array.from({ length: 10_000 }, (_, i) => `fake-${i}`), lastBeat + 1);
    await until('doomed-1 is escalated', async () => sv.escalated.some((e) => e.coordinatorId === 'doomed-1'), 30_000);
    await until('the per-minute cap has held through a whole check', async () => {
      const { escalations, totalChecks } = sv.handler.getMetrics();
      return escalations === 30 && totalChecks >= Math.max(...sv.escalated.map((e) => e.check)) + 2;
    }, 60_000);

    // Caps: 20 a check, 30 a minute; what they held back is counted, and said once (one line a minute).
    const metrics = sv.handler.getMetrics();
    assert.equal(metrics.escalations, 30);
    const checks = [...perCheck(sv.escalated).values()];
    assert.ok(checks.every((n) => n <= 20) && checks.length >= 2, `per check ${JSON.stringify(checks)}: the rest left for later checks, until the minute was spent`);
    assert.ok(metrics.escalationsCapped >= 10_001 - 30, `escalationsCapped ${metrics.escalationsCapped}`);
    assert.equal(sv.spawned.length, 30, 'one replacement requested per escalation, within the spawn cap');
    assert.equal(sv.lines('supervisor cap reached').length, 1, 'one line for the interval, not one per entry');
    assert.ok((sv.lines('supervisor cap reached')[0]!.fields.deferred as { escalations: number }).escalations >= 10_001 - 30);

    // The real death went first (seen alive by this supervisor), and its replacement takes its work.
    const doomedEvent = sv.escalated.find((e) => e.coordinatorId === 'doomed-1')!;
    assert.equal(sv.escalated.indexOf(doomedEvent), 0, 'the coordinator the supervisor saw alive is escalated before any forged entry');
    assert.equal(doomedEvent.workItemsMoved, 1);
    const replacement = await coordinators.start(doomedEvent.replacementId, { replaces: 'doomed-1' });
    assert.deepEqual((await replacement.listWork()).map((item) => [item.taskId, item.transferredFrom]), [['task-of-doomed', 'doomed-1']]);
    assert.ok(!sv.warned.some((w) => w.coordinatorId === 'worker-1'), 'the live coordinator beside the flood was never warned');
    assert.equal(worker.exitCode, null, 'it still runs');
    assert.equal(await attacker.exists(keys.work(SWARM, 'worker-1')), 1, 'its work is still its own');
    assert.equal(await attacker.exists(keys.escalation(SWARM, 'worker-1')), 0);

    // Hooks: 4 processes at once, 16 waiting, the rest of the flood dropped and counted.
    await until('four hooks are running', async () => probe.started === 4);
    const held = sv.handler.getMetrics();
    assert.equal(held.hooksDropped, held.timeoutEventsTotal + held.escalations - 4 - 16, 'every hook run but 4 running and 16 waiting was dropped');
    assert.equal(probe.started, 4, 'held hooks: exactly four processes were started, no fifth');
    // Stopped, the supervisor offers no more hook runs (a warning that expired between two long checks is a
    // new timeout, and its hook a new run): released, the hooks that run are the 4 held and the 16 queued.
    await sv.handler.stop();
    await probe.release();
    await until('the queued hooks ran', async () => probe.ended === 20, 30_000);
    assert.equal(probe.started, 20, 'four running and sixteen queued: no other hook ran');
    assert.equal(sv.lines('hook runs dropped').length, 1, 'one line for the interval, not one per dropped run');

    // What the hooks saw: the minimal environment, the event, REDIS_URL without its credentials, never a secret.
    const allowed = new Set<string>([...CHILD_BASE_VARIABLES, 'REDIS_URL', 'HOOK', 'AGENT_ID', 'NEW_AGENT_ID', 'SWARM_ID', 'SILENT_MS', 'WORK_ITEMS', 'PWD', 'SHLVL', 'OLDPWD', '_']);
    const environments = probe.environments();
    assert.equal(environments.length, probe.started);
    for (const env of environments) {
      assert.deepEqual(Object.keys(env).filter((name) => !allowed.has(name)), []);
      assert.equal(env.REDIS_URL, `redis://127.0.0.1:${server.port}`);
      assert.ok(!Object.values(env).some((value) => value.includes(SECRET) || value.includes('hunter2')), 'no secret or password in any value');
      assert.ok(isValidId(env.AGENT_ID));
    }
  } finally {
    await probe.release();
    await sv.handler.stop();
    if (worker && worker.exitCode === null && worker.signalCode === null) {
      const exited = once(worker, 'exit');
      worker.kill('SIGKILL');
      await exited;
    }
  }
});

test('a live, beating coordinator whose registry score the attacker keeps stale (in its swarm and another) is never warned or escalated and keeps its work and inbox; a real death beside it is escalated', { timeout: 60_000 }, async () => {
  const sv = supervised(store);
  const live = await coordinators.start('live-1');
  const peer = await coordinators.start('peer-1');
  await live.assignWork('task-of-live', { step: 1 });
  const sent = await peer.sendSignal('live-1', 'validate', { payload: { round: 1 } });
  const doomed = await crashable('doomed-2');
  // After each of live-1's beats, the attacker sets its score back to the epoch, here and in a swarm of its own making.
  let forged = 0;
  const forge = async (): Promise<void> => {
    await attacker.multi().zadd(keys.registry(SWARM), 1, 'live-1').zadd(keys.registry('elsewhere'), 1, 'live-1').sadd(keys.swarms(), 'elsewhere').exec();
    forged += 1;
  };
  const onBeat = () => void forge().catch(() => undefined); // a write still in flight at teardown may fail
  live.on('heartbeat', onBeat);
  try {
    await forge();
    await sv.handler.start();
    await doomed.crash();
    await until('doomed-2 is escalated', async () => sv.escalated.some((e) => e.coordinatorId === 'doomed-2'));
    const escalatedIn = sv.escalated[0]!.check;
    await until('five more checks ran under the attack', async () => sv.handler.getMetrics().totalChecks >= escalatedIn + 5);
    live.off('heartbeat', onBeat);

    assert.ok(forged > 10, `the attacker rewrote the score ${forged} times`);
    assert.deepEqual(sv.escalated.map((e) => e.coordinatorId), ['doomed-2']);
    assert.deepEqual(sv.warned.filter((w) => w.coordinatorId === 'live-1'), [], 'live-1 was never even warned');
    assert.equal(await attacker.exists(keys.escalation(SWARM, 'live-1'), keys.escalation('elsewhere', 'live-1')), 0);
    assert.deepEqual((await live.listWork()).map((item) => item.taskId), ['task-of-live'], 'its work is still its own');
    const signal = await live.blockUntilSignal({ timeoutMs: 5_000 });
    assert.deepEqual([signal.messageId, signal.senderId], [sent.messageId, 'peer-1'], 'its inbox is still its own');
  } finally {
    live.off('heartbeat', onBeat);
    await sv.handler.stop();
  }
});

test('ids that break the id rule, forged spawn requests and escalation records never reach the spawner, a hook, a key or a path; they are skipped, counted and logged once', { timeout: 60_000 }, async () => {
  const probe = new HookProbe(dir);
  const sv = supervised(store, { hooks: { enabled: true, commands: { on_coordinator_dead: probe.command, on_escalation: probe.command } } });
  const live = await coordinators.start('live-2');
  await live.assignWork('task-of-live-2', { step: 1 });
  const doomed = await crashable('doomed-3');
  const pipeline = attacker.pipeline();
  pipeline.zadd(keys.registry(SWARM), ...INVALID_IDS.flatMap((id) => [1, id]), '+inf', 'scored-inf');
  pipeline.sadd(keys.swarms(), ...INVALID_IDS);
  pipeline.zadd(keys.registry('../../etc'), 1, 'in-a-bad-swarm');
  // Spawn requests: ids that break the rule, a body that is no JSON, and an impostor for live-2 with a matching escalation record.
  const spawnRequest = (replacementId: string, body: string) => pipeline.zadd(keys.pendingSpawns(SWARM), 1, replacementId).set(keys.spawn(SWARM, replacementId), body);
  spawnRequest('../../etc/evil', JSON.stringify({ replaces: 'someone' }));
  spawnRequest('ok-replacement', JSON.stringify({ replaces: 'has space;$(id)' }));
  spawnRequest('garbage-1', '{{{ not json');
  spawnRequest('impostor-1', JSON.stringify({ replaces: 'live-2' }));
  pipeline.set(keys.escalation(SWARM, 'live-2'), JSON.stringify({ newCoordinatorId: 'impostor-1' }));
  // A dead-looking entry whose (forged) escalation record names a replacement that breaks the rule.
  pipeline.zadd(keys.registry(SWARM), 1, 'ghost-1').set(keys.escalation(SWARM, 'ghost-1'), JSON.stringify({ newCoordinatorId: '../../etc/evil' }));
  // Fresh entries whose forged heartbeats wait for ids that break the rule (and would close a cycle through them).
  const at = Number((await attacker.time())[0]) * 1_000;
  for (const [id, waits] of [['waiter-1', ['has space;$(id)']], ['has space;$(id)', ['waiter-1']]] as const) {
    pipeline.set(keys.heartbeat(id), JSON.stringify({ coordinatorId: id, swarmId: SWARM, timestamp: at + 60_000, iteration: 0, phase: 'p', status: 'waiting', sequence: 1, waitingFor: waits }));
  }
  pipeline.zadd(keys.registry(SWARM), at + 60_000, 'waiter-1');
  await pipeline.exec();
  try {
    await sv.handler.start();
    await doomed.crash();
    await until('doomed-3 is escalated', async () => sv.escalated.some((e) => e.coordinatorId === 'doomed-3'));
    const escalatedIn = sv.escalated[0]!.check;
    await until('three more checks ran', async () => sv.handler.getMetrics().totalChecks >= escalatedIn + 3);

    // The spawner saw only ids by the rule: doomed-3's replacement, never the forged requests.
    assert.ok(sv.spawned.length >= 1);
    for (const { replacementId, replaces, swarmId } of sv.spawned) assert.ok([replacementId, replaces, swarmId].every(isValidId), JSON.stringify({ replacementId, replaces, swarmId }));
    assert.deepEqual(sv.spawned.map((r) => r.replaces).filter((id) => id !== 'doomed-3'), [], 'no forged request was carried out');
    assert.deepEqual(sv.escalated.map((e) => e.coordinatorId), ['doomed-3']);
    assert.deepEqual((await live.listWork()).map((item) => item.taskId), ['task-of-live-2']);
    // ghost-1's forged record names an id that breaks the rule: refused, nothing spawned or hooked for it.
    assert.ok(sv.failed.some((error) => error instanceof InvalidIdError));

    // The hooks: only ids by the rule in their environment, and no file outside their directory.
    await until('the hooks have ended', async () => probe.started > 0 && probe.ended === probe.started);
    const environments = probe.environments();
    assert.equal(environments.length, probe.started);
    assert.ok(environments.length >= 2, 'doomed-3 reached both hooks');
    for (const env of environments) for (const name of ['AGENT_ID', 'NEW_AGENT_ID', 'SWARM_ID']) if (name in env) assert.ok(isValidId(env[name]), `${name}=${JSON.stringify(env[name])}`);
    assert.ok(probe.agentFiles().every(isValidId), probe.agentFiles().join(', '));
    assert.equal(existsSync(path.join(dir, 'outside-evil')), false);

    // No key built from a rejected id; no deadlock through one.
    for (const id of INVALID_IDS) assert.equal(await attacker.exists(keys.warning(SWARM, id), keys.escalation(SWARM, id), keys.spawn(SWARM, `${id}-r`)), 0);
    assert.equal(await attacker.exists(keys.warning('../../etc', 'in-a-bad-swarm')), 0);
    assert.equal(sv.handler.getMetrics().deadlocksDetected, 0);

    // Counted, and logged as one line (throttled) with the counts.
    const metrics = sv.handler.getMetrics();
    assert.ok(metrics.rejectedRegistryEntries >= 2 * INVALID_IDS.length + 1, `rejectedRegistryEntries ${metrics.rejectedRegistryEntries}`);
    assert.ok(metrics.rejectedRecords >= 5, `rejectedRecords ${metrics.rejectedRecords}`);
    const [line, ...more] = sv.lines('skipped entries read from the store');
    assert.equal(more.length, 0, 'one line for the interval');
    assert.deepEqual(Object.keys(line!.fields.rejected as object).sort(), ['escalationRecords', 'registry', 'spawnRequests', 'swarms', 'waitingFor']);
  } finally {
    await sv.handler.stop();
  }
});

/** Runs `build` with the signing secret and a Redis password in process.env (where a hook would once have inherited them from). */
function withSecretsInProcessEnv<T>(build: () => T): T {
  const names = ['BLOCKING_COORDINATION_SECRET', 'REDIS_PASSWORD'] as const;
  const before = names.map((name) => process.env[name]);
  Object.assign(process.env, { BLOCKING_COORDINATION_SECRET: SECRET, REDIS_PASSWORD: 'hunter2-password' });
  try {
    return build();
  } finally {
    names.forEach((name, i) => (before[i] === undefined ? delete process.env[name] : (process.env[name] = before[i])));
  }
}

