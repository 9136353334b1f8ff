import assert from 'node:assert/strict';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, afterEach, before, describe, test } from 'node:test';
import { BlockingCoordinator } from '../../src/core/coordinator.js';
import { InvalidIdError, SecretMissingError, SecretTooShortError, SignalTimeoutError } from '../../src/protocol/errors.js';
import { parseHeartbeat } from '../../src/protocol/heartbeat.js';
import { Coordinators, FAST, SECRET, uniqueSwarm } from '../support/coordinators.js';
import { spyStore } from '../support/spy-store.js';
import type { Harness } from './harness.js';

/** Polls a condition that depends on a store TTL (nothing else can signal an expiry), bounded. */
async function until(condition: () => Promise<boolean>, limitMs: number): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`condition not met within ${limitMs} ms`);
    await sleep(20);
  }
}

/** Behaviours 7 and 8: the heartbeat and registry; invalid ids refused before I/O; no prefix hazards. */
export function heartbeatAndIdsBehaviour(h: Harness): void {
  describe(`heartbeat and ids [${h.name}]`, () => {
    let c: Coordinators;
    let swarm: string;
    before(() => h.setup());
    after(() => h.teardown());
    afterEach(() => c?.shutdownAll());
    const fresh = () => (c = new Coordinators(() => h.store(), (swarm = uniqueSwarm())));

    test('the heartbeat key holds the documented JSON, its TTL never exceeds the configured one, and shutdown deletes it', async () => {
      fresh();
      const a = c.make('coord-hb');
      a.setProgress({ iteration: 4, phase: 'validation' });
      const first = once(a, 'heartbeat');
      await a.start();
      await first;
      const sequences = [];
      for (let i = 0; i < 3; i++) {
        const [beat] = await once(a, 'heartbeat');
        const stored = (await h.store().getHeartbeat('coord-hb'))!;
        assert.ok(stored.ttlMs > 0 && stored.ttlMs <= FAST.heartbeatTtlMs, `ttl ${stored.ttlMs} <= ${FAST.heartbeatTtlMs}`);
        const json = parseHeartbeat(stored.body)!;
        assert.deepEqual(Object.keys(JSON.parse(stored.body)).sort(), ['coordinatorId', 'iteration', 'phase', 'sequence', 'status', 'swarmId', 'timestamp', 'waitingFor']);
        assert.deepEqual([json.coordinatorId, json.swarmId, json.iteration, json.phase, json.status], ['coord-hb', swarm, 4, 'validation', 'active']);
        assert.ok(json.sequence >= beat.sequence);
        sequences.push(json.sequence);
      }
      assert.ok(sequences[0]! < sequences[2]!, 'the sequence rises');
      assert.deepEqual((await h.store().listRegistry(swarm)).map((e) => e.coordinatorId), ['coord-hb']);
      await a.stop();
      await a.stop(); // idempotent
      assert.equal(await h.store().getHeartbeat('coord-hb'), null);
    });

    test('a heartbeat reports waiting while the coordinator blocks', async () => {
      fresh();
      const a = await c.start('coord-w');
      const waiting = a.blockUntilSignal({ timeoutMs: 2_000 }).catch((e: unknown) => e);
      let beat;
      do [beat] = await once(a, 'heartbeat');
      while (beat.status !== 'waiting');
      assert.equal(parseHeartbeat((await h.store().getHeartbeat('coord-w'))!.body)?.status, 'waiting');
      await a.stop();
      assert.equal(((await waiting) as Error).name, 'CoordinatorStoppedError');
    });

    test('the registry outlives an expired heartbeat key, so a dead coordinator can still be found', async () => {
      fresh();
      const store = h.store();
      const now = await store.time();
      const body = JSON.stringify({ coordinatorId: 'coord-dead', swarmId: swarm, timestamp: now, iteration: 1, phase: 'x', status: 'active', sequence: 1 });
      await store.register({ swarmId: swarm, coordinatorId: 'coord-dead', body, timestamp: now, ttlMs: 100, registryTtlMs: 60_000 });
      await until(async () => (await store.getHeartbeat('coord-dead')) === null, 5_000);
      assert.deepEqual(await store.listRegistry(swarm), [{ coordinatorId: 'coord-dead', lastSeen: now }]);
    });

    test('invalid ids are rejected with a typed error before any I/O', async () => {
      fresh();
      const { store, calls } = spyStore(h.store());
      for (const id of ['', 'has space', 'coord:1', 'coord{1}', 'x'.repeat(65), 'coord*', 42]) {
        assert.throws(() => new BlockingCoordinator({ id: id as string, store, secret: SECRET, env: {} }), InvalidIdError);
      }
      assert.throws(() => new BlockingCoordinator({ id: 'ok', swarmId: 'bad swarm', store, secret: SECRET, env: {} }), InvalidIdError);
      const a = c.make('coord-ok', { store, heartbeatIntervalMs: 60_000, heartbeatTtlMs: 120_000 });
      await a.start();
      calls.length = 0;
      await assert.rejects(a.sendSignal('bad id', 'wake'), InvalidIdError);
      await assert.rejects(a.sendSignal('coord-b', 'bad type!'), InvalidIdError);
      await assert.rejects(a.sendSignal('coord-b', 'wake', { idempotencyKey: 'a:b' }), InvalidIdError);
      await assert.rejects(a.blockUntilSignal({ from: ['ok', 'not ok'], timeoutMs: 10 }), InvalidIdError);
      await assert.rejects(a.waitForAcks(['coord-b', '{x}'], 'coord-ok:wake:1', { timeoutMs: 10 }), InvalidIdError);
      assert.deepEqual(calls, [], 'no store call was made');
    });

    test('a missing or short secret refuses to start, before any I/O', () => {
      const { store, calls } = spyStore(h.store());
      assert.throws(() => new BlockingCoordinator({ id: 'coord-s', store, env: {} }), SecretMissingError);
      assert.throws(() => new BlockingCoordinator({ id: 'coord-s', store, secret: 'x'.repeat(31), env: {} }), SecretTooShortError);
      assert.deepEqual(calls, []);
    });

    test('work items: assigned per coordinator and swarm, replaced by task id', async () => {
      fresh();
      const one = await c.start('coord-1');
      const ten = await c.start('coord-10');
      await one.assignWork('task-a', { step: 1 });
      await one.assignWork('task-b', { step: 2 });
      await ten.assignWork('task-a', { step: 10 });
      await one.assignWork('task-a', { step: 3 });
      const items = (await one.listWork()).sort((a, b) => a.taskId.localeCompare(b.taskId));
      assert.deepEqual(items.map((i) => [i.taskId, (i.data as { step: number }).step, i.assignedTo, i.swarmId]), [
        ['task-a', 3, 'coord-1', swarm],
        ['task-b', 2, 'coord-1', swarm],
      ]);
      assert.deepEqual((await ten.listWork()).map((i) => i.data), [{ step: 10 }]);
      await assert.rejects(one.assignWork('bad id', {}), InvalidIdError);
    });

    test('coord-1 and coord-10 never see each other\'s signals or state', async () => {
      fresh();
      const sender = await c.start('sender');
      const one = await c.start('coord-1');
      const ten = await c.start('coord-10');
      await sender.sendSignal('coord-10', 'wake', { payload: 10 });
      await sender.sendSignal('coord-1', 'wake', { payload: 1 });
      assert.equal((await one.blockUntilSignal({ timeoutMs: 2_000 })).payload, 1);
      await assert.rejects(one.blockUntilSignal({ timeoutMs: 50 }), SignalTimeoutError);
      await one.stop();
      assert.notEqual(await h.store().getHeartbeat('coord-10'), null, 'shutting down coord-1 left coord-10 alone');
      assert.deepEqual((await h.store().listRegistry(swarm)).map((e) => e.coordinatorId).sort(), ['coord-10', 'sender']);
      assert.equal((await ten.blockUntilSignal({ timeoutMs: 2_000 })).payload, 10);
    });
  });
}
