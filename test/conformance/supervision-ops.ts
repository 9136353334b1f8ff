import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { keys } from '../../src/protocol/keys.js';
import { Coordinators, uniqueSwarm } from '../support/coordinators.js';
import type { Harness } from './harness.js';

const TTLS = { recordTtlMs: 86_400_000, workTtlMs: 86_400_000 };

/** Issue 4's store operations: fenced warnings, and escalation that is atomic, idempotent and fenced. */
export function supervisionOpsBehaviour(h: Harness): void {
  describe(`supervision store operations [${h.name}]`, () => {
    let c: Coordinators;
    let swarm: string;
    before(() => h.setup());
    after(() => h.teardown());
    afterEach(() => c?.shutdownAll());
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

    test('escalation moves every work item in one step, exactly once, and is fenced', async () => {
      fresh();
      const store = h.store();
      const dead = await c.start('coord-dead');
      await dead.assignWork('task-1', { confidence: 0.1234567890123456, list: [1, 2] });
      await dead.assignWork('task-2', 'plain');
      await dead.shutdown();
      const fence = { namespace: 'supervisor', epoch: 4 };
      const ref = { swarmId: swarm, coordinatorId: 'coord-dead' };

      assert.deepEqual(await store.escalate(ref, 'coord-new', { ...fence, epoch: 0 }, TTLS), { newCoordinatorId: '', outcome: 'fenced', workItemsMoved: 0 });
      assert.deepEqual(await store.escalate(ref, 'coord-new', fence, TTLS), { newCoordinatorId: 'coord-new', outcome: 'created', workItemsMoved: 2 });
      const again = await Promise.all([store.escalate(ref, 'coord-other', fence, TTLS), store.escalate(ref, 'coord-third', { ...fence, epoch: 5 }, TTLS)]);
      assert.deepEqual(again.map((r) => [r.newCoordinatorId, r.outcome]), [['coord-new', 'existing'], ['coord-new', 'existing']], 'one replacement, whoever asks');

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
    });
  });
}
