/**
 * Issue 12, point 3, on the embedded store: the same attacks where they apply. The attacker is
 * code that calls the store's port with no secret (register and beat take any id and time) or
 * writes raw strings (MemoryStore.setRawString, the in-memory SET).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { InvalidIdError } from '../../src/protocol/errors.js';
import { isValidId } from '../../src/protocol/ids.js';
import { keys } from '../../src/protocol/keys.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import type { Store } from '../../src/store/port.js';
import { Coordinators } from '../support/coordinators.js';
import { HookProbe } from '../support/hook-probe.js';
import { until } from '../support/until.js';
import { FLOOD_ELECTION, INVALID_IDS, perCheck, supervised } from './supervised.js';

const SWARM = 'attacked';

let store: MemoryStore;
let coordinators: Coordinators;
let dir: string;
beforeEach(() => {
  store = new MemoryStore();
  coordinators = new Coordinators(() => store, SWARM);
  dir = mkdtempSync(path.join(tmpdir(), 'rdv-attack-mem-'));
});
afterEach(async () => {
  await coordinators.shutdownAll();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A coordinator that crashes: from crash() on, its store refuses its heartbeats, as if its process had died. */
async function crashable(id: string) {
  let crashed = false;
  const own = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (property === 'beat' || property === 'register') return (...args: unknown[]) => (crashed ? Promise.reject(new Error('crashed')) : (value as (...a: unknown[]) => unknown).apply(target, args));
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  }) as Store;
  const coordinator = await coordinators.start(id, { store: own });
  return { coordinator, crash: () => void (crashed = true) };
}

/** The attacker's registry entries: a beat each, through the port, with a body that is no heartbeat. */
async function forgeRegistry(swarmId: string, ids: readonly string[], timestamp: number): Promise<void> {
  for (const coordinatorId of ids) await store.register({ swarmId, coordinatorId, body: 'forged', timestamp, ttlMs: 60_000, registryTtlMs: 600_000 });
}

test('memory store: 10,000 forged registry entries are escalated within the caps, the rest later; capped spawns stay pending and are started by later checks; the real death goes first', { timeout: 60_000 }, async () => {
  // The caps' window moves when the test moves it (a check of 10,000 entries can outlast a 2 s window on a loaded
  // machine); the election has its deployed lease (see FLOOD_ELECTION).
  let windowClock = 0;
  const sv = supervised(store, { maxEscalationsPerCheck: 20, maxEscalationsPerMinute: 30, rateWindowMs: 2_000, maxSpawnsPerCheck: 5, maxSpawnsPerMinute: 1_000, election: FLOOD_ELECTION, rateClock: () => windowClock });
  try {
    const doomed = await crashable('doomed-1');
    await doomed.coordinator.assignWork('task-of-doomed', { step: 1 });
    await sv.handler.start();
    await until('the supervisor has seen doomed-1 alive', async () => sv.handler.getMetrics().totalChecks >= 3);
    doomed.crash();
    const lastBeat = (await store.listRegistry(SWARM)).find((entry) => entry.coordinatorId === 'doomed-1')!.lastSeen;
    await forgeRegistry(SWARM, Array.from({ length: 10_000 }, (_, i) => `fake-${i}`), lastBeat + 1);
    await until('the per-minute cap has held through a whole check', async () => {
      const { escalations, totalChecks } = sv.handler.getMetrics();
      return escalations === 30 && totalChecks >= Math.max(...sv.escalated.map((e) => e.check)) + 2;
    }, 30_000);
    const spent = [...perCheck(sv.escalated)];
    windowClock = 2_000;
    await until('the cap let escalations resume after its window', async () => sv.handler.getMetrics().escalations > 30, 30_000);

    assert.equal(sv.escalated[0]!.coordinatorId, 'doomed-1', 'the coordinator the supervisor saw alive goes first');
    const checks = [...perCheck(sv.escalated)];
    assert.ok(checks.every(([, n]) => n <= 20), JSON.stringify(checks));
    assert.ok(spent.length >= 2, `30 in the first window, over at least two checks: ${JSON.stringify(spent)}`);
    assert.ok(checks[spent.length]![0] > spent.at(-1)![0] + 1, `then checks escalated nothing until the window moved on: ${JSON.stringify(checks)}`);
    assert.ok(sv.handler.getMetrics().escalationsCapped > 10_000 - 30);

    // Spawns: five a check; what the cap held back stays pending and a later check starts it.
    assert.ok([...perCheck(sv.spawned).values()].every((n) => n <= 5));
    assert.ok(sv.handler.getMetrics().spawnsCapped > 0);
    await until('a capped spawn request was resumed', async () => sv.logger.records.some((r) => r.msg === 'resumed a spawn request an earlier check left'));
    assert.ok(sv.spawned.some((r) => r.replaces === 'doomed-1'));
    const replacementId = sv.escalated[0]!.replacementId;
    const replacement = await coordinators.start(replacementId, { replaces: 'doomed-1' });
    assert.deepEqual((await replacement.listWork()).map((item) => [item.taskId, item.transferredFrom]), [['task-of-doomed', 'doomed-1']]);
  } finally {
    await sv.handler.stop();
  }
});

test('memory store: ids that break the rule and a forged escalation record never reach the spawner, a hook or a path; they are counted and logged once', { timeout: 60_000 }, async () => {
  const probe = new HookProbe(dir);
  const sv = supervised(store, { hooks: { enabled: true, commands: { on_coordinator_dead: probe.command, on_escalation: probe.command } } });
  const live = await coordinators.start('live-2');
  const doomed = await crashable('doomed-3');
  for (const id of INVALID_IDS) {
    await forgeRegistry(SWARM, [id], 1);
    await forgeRegistry(id, ['in-a-bad-swarm'], 1);
  }
  await forgeRegistry(SWARM, ['ghost-1'], 1);
  store.setRawString(keys.escalation(SWARM, 'ghost-1'), JSON.stringify({ newCoordinatorId: '../../etc/evil' }));
  try {
    await sv.handler.start();
    doomed.crash();
    await until('doomed-3 is escalated', async () => sv.escalated.some((e) => e.coordinatorId === 'doomed-3'));
    await until('three more checks ran', async () => sv.handler.getMetrics().totalChecks >= sv.escalated[0]!.check + 3);

    for (const { replacementId, replaces, swarmId } of sv.spawned) assert.ok([replacementId, replaces, swarmId].every(isValidId));
    assert.deepEqual(sv.spawned.map((r) => r.replaces), ['doomed-3']);
    assert.deepEqual(sv.escalated.map((e) => e.coordinatorId), ['doomed-3']);
    assert.ok(sv.failed.some((error) => error instanceof InvalidIdError), 'ghost-1: its forged record was refused');
    assert.ok(live.isRunning && !sv.warned.some((w) => w.coordinatorId === 'live-2'));

    await until('the hooks have ended', async () => probe.started > 0 && probe.ended === probe.started);
    for (const env of probe.environments()) for (const name of ['AGENT_ID', 'NEW_AGENT_ID', 'SWARM_ID']) if (name in env) assert.ok(isValidId(env[name]), `${name}=${JSON.stringify(env[name])}`);
    assert.ok(probe.agentFiles().every(isValidId), probe.agentFiles().join(', '));
    assert.equal(existsSync(path.join(dir, 'outside-evil')), false);

    const metrics = sv.handler.getMetrics();
    assert.ok(metrics.rejectedRegistryEntries >= 2 * INVALID_IDS.length, `rejectedRegistryEntries ${metrics.rejectedRegistryEntries}`);
    assert.ok(metrics.rejectedRecords >= 1);
    assert.equal(sv.lines('skipped entries read from the store').length, 1);
  } finally {
    await sv.handler.stop();
  }
});
