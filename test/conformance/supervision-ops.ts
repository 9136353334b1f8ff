import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { once } from 'node:events';
import { encodeActivity } from '../../src/protocol/activity.js';
import { InvalidPayloadError } from '../../src/protocol/errors.js';
import { keys } from '../../src/protocol/keys.js';
import type { CoordinatorEscalatedEvent } from '../../src/supervision/supervisor/events.js';
import { CoordinatorTimeoutHandler } from '../../src/supervision/timeout-handler.js';
import { recordingLogger } from '../support/recording-logger.js';
import { Coordinators, SECRET, uniqueSwarm } from '../support/coordinators.js';
import type { Harness } from './harness.js';

const TTLS = { recordTtlMs: 86_400_000, workTtlMs: 86_400_000, inboxTtlMs: 86_400_000 };

/** Issue 4's store operations: fenced warnings, and escalation that is atomic, idempotent and fenced. */
export function supervisionOpsBehaviour(h: Harness): void {
  describe(`supervision store operations [${h.name}]`, () => {
    let c: Coordinators;
    let swarm: string;
    before(() => h.setup());
    after(() => h.teardown());
    // A handler checks every swarm in the store: a test's coordinators must not outlive it and be found silent by the next one's.
    afterEach(async () => {
      await c?.shutdownAll();
      const left = (await h.store().listRegistry(swarm)).map((e) => e.coordinatorId);
      if (left.length > 0) await h.store().pruneRegistry(swarm, left);
    });
    const fresh = () => (c = new Coordinators(() => h.store(), (swarm = uniqueSwarm('sup'))));

    test('warnings count up and clear under the current term; an older term or epoch 0 is fenced out', async () => {
      fresh();
      const store = h.store();
      const owner = { swarmId: swarm, coordinatorId: 'coord-w' };
      assert.equal(await store.warnCoordinator(owner, { namespace: 'supervisor', epoch: 1 }, 60_000), 1);
      assert.equal(await store.warnCoordinator(owner, { namespace: 'supervisor', epoch: 1 }, 60_000), 2);
      assert.equal(await store.warnCoordinator(owner, { namespace: 'supervisor', epoch: 0 }, 60_000), -1);
      assert.equal(await store.warnCoordinator(owner, { namespace: 'supervisor', epoch: 2 }, 60_000), 3, 'a failover continues the count');
      assert.equal(await store.warnCoordinator(owner, { namespace: 'supervisor', epoch: 1 }, 60_000), -1, 'the old term is out');
      assert.equal(await store.clearWarnings(owner, { namespace: 'supervisor', epoch: 1 }), -1);
      assert.equal(await store.clearWarnings(owner, { namespace: 'supervisor', epoch: 2 }), 3);
      assert.deepEqual(await store.readStrings([keys.warning(swarm, 'coord-w')]), [null]);
    });

    test('clearing warnings: a stale term is fenced out with or without warnings; clearing none takes no fence', async () => {
      fresh();
      const store = h.store();
      const owner = { swarmId: swarm, coordinatorId: 'coord-c' };
      const term = (epoch: number) => ({ namespace: 'supervisor', epoch });
      assert.equal(await store.clearWarnings(owner, term(0)), -1, 'epoch 0 is no term');
      assert.equal(await store.clearWarnings(owner, term(3)), 0, 'nothing to clear');
      assert.equal(await store.clearWarnings(owner, term(1)), 0, 'clearing nothing took no fence');
      assert.equal(await store.warnCoordinator(owner, term(3), 60_000), 1);
      assert.equal(await store.clearWarnings(owner, term(2)), -1, 'a stale term, with warnings');
      assert.equal(await store.clearWarnings(owner, term(3)), 1);
      assert.equal(await store.clearWarnings(owner, term(2)), -1, 'a stale term, with none left');
    });

    test('escalation moves every work item in one step, exactly once, and is fenced', async () => {
      fresh();
      const store = h.store();
      const dead = await c.start('coord-dead');
      await dead.assignWork('task-1', { confidence: 0.1234567890123456, list: [1, 2] });
      await dead.assignWork('task-2', 'plain');
      await dead.stop();
      const fence = { namespace: 'supervisor', epoch: 4 };
      const ref = { swarmId: swarm, coordinatorId: 'coord-dead' };

      assert.deepEqual(await store.escalate(ref, 'coord-new', { ...fence, epoch: 0 }, TTLS), { replacementId: '', outcome: 'fenced', workItemsMoved: 0, signalsMoved: 0 });
      assert.deepEqual(await store.escalate(ref, 'coord-new', fence, TTLS), { replacementId: 'coord-new', outcome: 'created', workItemsMoved: 2, signalsMoved: 0 });
      const again = await Promise.all([store.escalate(ref, 'coord-other', fence, TTLS), store.escalate(ref, 'coord-third', { ...fence, epoch: 5 }, TTLS)]);
      assert.deepEqual(again.map((r) => [r.replacementId, r.outcome]), [['coord-new', 'existing'], ['coord-new', 'existing']], 'one replacement, whoever asks');

      const replacement = await c.start('coord-new');
      const items = (await replacement.listWork()).sort((a, b) => a.taskId.localeCompare(b.taskId));
      assert.deepEqual(items.map((i) => [i.taskId, i.assignedTo, i.transferredFrom, typeof i.transferredAt]), [
        ['task-1', 'coord-new', 'coord-dead', 'number'],
        ['task-2', 'coord-new', 'coord-dead', 'number'],
      ]);
      assert.deepEqual(items[0]!.data, { confidence: 0.1234567890123456, list: [1, 2] }, 'user data kept exactly');
      const [record, spawn, others] = await store.readStrings([keys.escalation(swarm, 'coord-dead'), keys.spawn(swarm, 'coord-new'), keys.spawn(swarm, 'coord-other')]);
      assert.deepEqual(
        [JSON.parse(record!).newCoordinatorId, JSON.parse(record!).workItems, JSON.parse(spawn!).replaces, JSON.parse(spawn!).status, others],
        ['coord-new', 2, 'coord-dead', 'requested', null],
      );
      assert.ok(!(await store.listRegistry(swarm)).some((e) => e.coordinatorId === 'coord-dead'), 'the dead one left the registry');
      const log = await store.readSwarmEvents(swarm, '0-0', { count: 10, blockMs: 1 });
      assert.deepEqual(
        log.map((e) => JSON.parse(e.body!) as { type: string; oldCoordinatorId: string; newCoordinatorId: string }).map((e) => [e.type, e.oldCoordinatorId, e.newCoordinatorId]),
        [['replacement', 'coord-dead', 'coord-new']],
        'a late reader finds the replacement in the swarm event log',
      );
      // blockMs 0: what is there, at once (on Redis a plain XREAD on the command connection); nothing after the last entry.
      assert.deepEqual(await store.readSwarmEvents(swarm, '0-0', { count: 10, blockMs: 0 }), log, 'a read that does not block finds the same log');
      const started = performance.now();
      assert.deepEqual(await store.readSwarmEvents(swarm, log.at(-1)!.entryId, { count: 10, blockMs: 0 }), [], 'and nothing after its last entry');
      assert.ok(performance.now() - started < 1_000, 'without waiting');
    });

    test('the handler warns a silent coordinator, escalates it after maxWarnings, and clears a recovered one', async () => {
      fresh();
      const store = h.store();
      const alive = await c.start('coord-alive');
      const old = (await store.time()) - 60_000;
      const ghost = (id: string, at: number) =>
        store.register({ swarmId: swarm, coordinatorId: id, body: JSON.stringify({ coordinatorId: id, timestamp: at }), timestamp: at, ttlMs: 50, registryTtlMs: 600_000 });
      await ghost('coord-ghost', old);
      await ghost('coord-napping', old);
      await store.putWork({ swarmId: swarm, coordinatorId: 'coord-ghost' }, 'task-9', JSON.stringify({ taskId: 'task-9', swarmId: swarm, assignedTo: 'coord-ghost', assignedAt: old, data: 9 }), 600_000);

      const handler = new CoordinatorTimeoutHandler({
        store,
        deadThresholdMs: 1_000,
        checkIntervalMs: 20,
        maxWarnings: 3,
        namespace: uniqueSwarm('sv'),
        election: { secret: SECRET, leaseTimeoutMs: 600, heartbeatIntervalMs: 100, workerTimeoutMs: 1_000 },
        logger: recordingLogger(),
      });
      const warned: string[] = [];
      handler.on('coordinator:warning', (e) => {
        warned.push(`${e.coordinatorId}:${e.count}`);
        if (e.coordinatorId === 'coord-napping' && e.count === 1) void ghost('coord-napping', old + 60_000); // it beats again
      });
      const recovered = once(handler, 'coordinator:recovered');
      const escalated = once(handler, 'coordinator:escalated');
      await handler.start();
      const [event] = await escalated;
      const [back] = await recovered;
      await handler.stop();

      assert.equal(event.coordinatorId, 'coord-ghost');
      assert.equal(event.workItemsMoved, 1);
      assert.deepEqual(warned.filter((w) => w.startsWith('coord-ghost')), ['coord-ghost:1', 'coord-ghost:2', 'coord-ghost:3']);
      assert.ok(!warned.some((w) => w.startsWith('coord-alive')), 'a live coordinator is never warned');
      // It beat again on its first warning; a check can run before that beat is written (beats share
      // writes for up to 20 ms, checks run every 20 ms here), so it recovers after 1 or 2 warnings, never 3.
      assert.equal(back.coordinatorId, 'coord-napping');
      assert.ok(back.warnings === 1 || back.warnings === 2, `recovered after ${back.warnings} warnings`);
      assert.ok(!warned.includes('coord-napping:3'), 'a coordinator that beats again is not escalated');
      assert.ok(!alive.isRunning || (await store.getHeartbeat('coord-alive')) !== null);
      const moved = await store.listWork({ swarmId: swarm, coordinatorId: event.replacementId });
      assert.deepEqual([...moved.keys()], ['task-9']);
      const metrics = handler.getMetrics();
      assert.deepEqual([metrics.escalations, metrics.timeoutEventsTotal >= 2, metrics.cleanupsPerformed], [1, true, 1]);
      assert.equal(await handler.checkCoordinatorTimeout('coord-alive', swarm), false);
    });

    test('recorded activity lists its coordinator in the registry and the swarm set, never lowering a later heartbeat', async () => {
      fresh();
      const store = h.store();
      const now = await store.time();
      const activity = (id: string, timestamp: number) => encodeActivity({ coordinatorId: id, swarmId: swarm, iteration: 0, phase: 'p', waitingFor: [], timestamp });
      await store.recordActivity({ swarmId: swarm, coordinatorId: 'act-only' }, activity('act-only', now), 60_000);
      assert.deepEqual(await store.listRegistry(swarm), [{ coordinatorId: 'act-only', lastSeen: now }]);
      assert.ok((await store.listSwarms()).includes(swarm));
      const [registryTtl] = await store.keyTtls([keys.registry(swarm)]);
      assert.ok(registryTtl! > 0 && registryTtl! <= 60_000, `a new registry gets the activity's lifetime (${registryTtl})`);

      await store.register({ swarmId: swarm, coordinatorId: 'beats', body: '{}', timestamp: now + 1_000, ttlMs: 60_000, registryTtlMs: 600_000 });
      await store.recordActivity({ swarmId: swarm, coordinatorId: 'beats' }, activity('beats', now + 500), 60_000);
      await store.recordActivity({ swarmId: swarm, coordinatorId: 'act-only' }, activity('act-only', now + 2_000), 60_000);
      const registry = new Map((await store.listRegistry(swarm)).map((e) => [e.coordinatorId, e.lastSeen]));
      assert.deepEqual([registry.get('beats'), registry.get('act-only')], [now + 1_000, now + 2_000], 'raised, never lowered');
      const [longer] = await store.keyTtls([keys.registry(swarm)]);
      assert.ok(longer! > 60_000, `a registry's longer lifetime is kept (${longer})`);
      await assert.rejects(store.recordActivity({ swarmId: swarm, coordinatorId: 'bad' }, '{"timestamp":1}', 60_000), InvalidPayloadError);
    });

    test('a coordinator known only through recordActivity that goes silent is warned and escalated', async () => {
      fresh();
      const store = h.store();
      const handler = new CoordinatorTimeoutHandler({
        store,
        deadThresholdMs: 300,
        checkIntervalMs: 20,
        maxWarnings: 2,
        namespace: uniqueSwarm('sv'),
        election: { secret: SECRET, leaseTimeoutMs: 600, heartbeatIntervalMs: 100, workerTimeoutMs: 1_000 },
        logger: recordingLogger(),
      });
      const events: string[] = [];
      handler.on('coordinator:warning', (e) => e.swarmId === swarm && events.push(`warning ${e.coordinatorId} ${e.count}`));
      handler.on('coordinator:timeout', (e) => e.swarmId === swarm && events.push(`timeout ${e.coordinatorId}`));
      const escalated = new Promise<CoordinatorEscalatedEvent>((resolve) => handler.on('coordinator:escalated', (e) => e.swarmId === swarm && resolve(e)));
      await handler.recordActivity('coordinator-1', 0, 'loop-3-implementation', { swarmId: swarm });
      const recordedAt = performance.now();
      await handler.start();
      const event = await escalated;
      const silentFor = performance.now() - recordedAt;
      await handler.stop();

      assert.equal(event.coordinatorId, 'coordinator-1');
      assert.ok(silentFor >= 300, `escalated after ${silentFor.toFixed(0)} ms of silence, not before the dead threshold`);
      assert.deepEqual(events, ['timeout coordinator-1', 'warning coordinator-1 1', 'warning coordinator-1 2']);
      assert.equal(await handler.checkCoordinatorTimeout('coordinator-1', swarm), false, 'no longer registered: escalation and clean-up removed it');
      assert.deepEqual(await store.readStrings([keys.activity(swarm, 'coordinator-1')]), [null], 'its activity record was cleaned up');
    });

    test('escalation moves unacknowledged signals; the replacement answers and acknowledges for the one it replaces', async () => {
      fresh();
      const store = h.store();
      const owner = await c.start('owner');
      const first = await owner.sendSignal('v3', 'validate', { iteration: 1, payload: 'round 1' });
      const dead = await c.start('v3');
      assert.equal((await dead.blockUntilSignal({ timeoutMs: 1_000 })).messageId, first.messageId);
      await dead.stop(); // taken, never acknowledged
      const second = await owner.sendSignal('v3', 'validate', { iteration: 2 });

      const result = await store.escalate({ swarmId: swarm, coordinatorId: 'v3' }, 'v3-r1', { namespace: 'supervisor', epoch: 1 }, TTLS);
      assert.deepEqual([result.outcome, result.signalsMoved], ['created', 2]);

      const replacement = await c.start('v3-r1', { replaces: 'v3' });
      const got = [await replacement.blockUntilSignal({ timeoutMs: 1_000 }), await replacement.blockUntilSignal({ timeoutMs: 1_000 })];
      assert.deepEqual(got.map((s) => [s.messageId, s.receiverId]), [
        [first.messageId, 'v3'],
        [second.messageId, 'v3'],
      ]);
      const ack = await replacement.acknowledge(got[0]!);
      assert.deepEqual([ack.coordinatorId, ack.replaces], ['v3-r1', 'v3']);
      const acks = await owner.waitForAcks(['v3'], first.messageId, { timeoutMs: 1_000 });
      assert.deepEqual(acks.get('v3'), ack, 'the owner waiting on v3 sees its replacement\'s ACK');

      await replacement.sendSignal('owner', 'completion', { iteration: 1, payload: { confidence: 0.93 } });
      const answers = await owner.waitForSignals(['v1', 'v3'], { types: 'completion', iteration: 1, timeoutMs: 300 });
      assert.deepEqual([...answers.keys()], ['v3']);
      assert.deepEqual([answers.get('v3')!.senderId, answers.get('v3')!.replaces], ['v3-r1', 'v3']);

      await replacement.stop(); // the second signal was never acknowledged: a restart gets it again
      const restarted = await c.start('v3-r1', { replaces: 'v3', store: await h.newStore() });
      assert.equal((await restarted.blockUntilSignal({ timeoutMs: 1_000 })).messageId, second.messageId);
      assert.deepEqual(restarted.getMetrics().signalsRejected, {});
    });

    test('a wait-for cycle is reported once as deadlock:detected; a chain never is', async () => {
      fresh();
      const [x, y, z, p, q, r] = await Promise.all(['dl-x', 'dl-y', 'dl-z', 'ch-p', 'ch-q', 'ch-r'].map((id) => c.start(id)));
      const waits = [
        x!.blockUntilSignal({ from: 'dl-y', timeoutMs: 5_000 }),
        y!.blockUntilSignal({ from: 'dl-z', timeoutMs: 5_000 }),
        z!.waitForAcks(['dl-x'], 'dl-z:wake:1', { timeoutMs: 5_000 }),
        p!.blockUntilSignal({ from: 'ch-q', timeoutMs: 5_000 }),
        q!.blockUntilSignal({ from: 'ch-r', timeoutMs: 5_000 }),
      ].map((w) => (w as Promise<unknown>).catch(() => undefined));
      void r;
      const handler = new CoordinatorTimeoutHandler({
        store: h.store(),
        deadThresholdMs: 60_000,
        checkIntervalMs: 20,
        namespace: uniqueSwarm('sv'),
        election: { secret: SECRET, leaseTimeoutMs: 600, heartbeatIntervalMs: 100, workerTimeoutMs: 1_000 },
        logger: recordingLogger(),
      });
      const reports: string[][] = [];
      handler.on('deadlock:detected', (e) => reports.push(e.cycle));
      const detected = once(handler, 'deadlock:detected');
      await handler.start();
      await detected;
      const checks = handler.getMetrics().totalChecks;
      while (handler.getMetrics().totalChecks < checks + 5) await new Promise((resolve) => setTimeout(resolve, 20)); // more checks run
      await handler.stop();
      assert.deepEqual(reports, [['dl-x', 'dl-y', 'dl-z']], 'the cycle once; the chain p -> q -> r never');
      assert.equal(handler.getMetrics().deadlocksDetected, 1);
      await c.shutdownAll();
      await Promise.all(waits);
    });

    test('pendingSpawns skips a spawn request whose stored body is no JSON or names no replaced coordinator, and never throws', async () => {
      fresh();
      const store = h.store();
      for (const [dead, body] of [['coord-g1', '{{{ not json'], ['coord-g2', '{"replaces":7}'], ['coord-g3', 'null'], ['coord-g4', undefined]] as const) {
        const { replacementId } = await store.escalate({ swarmId: swarm, coordinatorId: dead }, `${dead}-r1`, { namespace: 'supervisor', epoch: 1 }, TTLS);
        if (body !== undefined) await h.setRaw(keys.spawn(swarm, replacementId), body); // what `redis-cli SET` can put there
      }
      assert.deepEqual(await store.pendingSpawns(swarm), [{ replacementId: 'coord-g4-r1', replaces: 'coord-g4', requestedAt: (await store.pendingSpawns(swarm))[0]!.requestedAt }]);
    });

    test('a supervisor killed between escalation and spawn leaves the request; the next leader spawns it exactly once', async () => {
      fresh();
      const store = h.store();
      const namespace = uniqueSwarm('sv');
      const old = (await store.time()) - 60_000;
      await store.register({ swarmId: swarm, coordinatorId: 'coord-lost', body: '{}', timestamp: old, ttlMs: 50, registryTtlMs: 600_000 });
      // The earlier leader's escalation ran; it died before starting the replacement.
      const escalation = await store.escalate({ swarmId: swarm, coordinatorId: 'coord-lost' }, 'coord-lost-r1', { namespace, epoch: 1 }, TTLS);
      assert.equal(escalation.outcome, 'created');
      assert.deepEqual((await store.pendingSpawns(swarm)).map((p) => p.replacementId), ['coord-lost-r1']);

      const spawned: string[] = [];
      let first!: () => void;
      const spawnedOnce = new Promise<void>((resolve) => (first = resolve));
      const handler = new CoordinatorTimeoutHandler({
        store,
        deadThresholdMs: 1_000,
        checkIntervalMs: 20,
        namespace,
        spawner: {
          spawn: async (request) => {
            if (request.swarmId !== swarm) return; // an earlier test's request, resumed too
            spawned.push(`${request.replaces}->${request.replacementId}`);
            first();
          },
        },
        election: { secret: SECRET, leaseTimeoutMs: 600, heartbeatIntervalMs: 100, workerTimeoutMs: 1_000 },
        logger: recordingLogger(),
      });
      const escalated: string[] = [];
      handler.on('coordinator:escalated', (e) => escalated.push(`${e.swarmId === swarm ? 'this swarm' : e.swarmId}: ${e.coordinatorId}`));
      await handler.start();
      await spawnedOnce;
      const checks = handler.getMetrics().totalChecks;
      while (handler.getMetrics().totalChecks < checks + 5) await new Promise((resolve) => setTimeout(resolve, 20)); // more checks run
      await handler.stop();
      assert.deepEqual(spawned, ['coord-lost->coord-lost-r1'], 'started once, and no second replacement');
      assert.deepEqual(escalated, [], 'no escalation: the request was there already');
      assert.deepEqual(await store.pendingSpawns(swarm), []);
      const [request] = await store.readStrings([keys.spawn(swarm, 'coord-lost-r1')]);
      assert.equal(JSON.parse(request!).status, 'spawned');
    });
  });
}
