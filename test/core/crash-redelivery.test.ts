import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { SignalTimeoutError } from '../../src/protocol/errors.js';
import { startCoordinatorProcess } from '../support/child-process.js';
import { Coordinators, SECRET, uniqueSwarm } from '../support/coordinators.js';
import { clusterHarness, redisHarness, type Harness } from '../conformance/harness.js';

/** Behaviour 2 with a real crash: a receiver process killed with SIGKILL after receiving, before acknowledging. */
for (const h of [redisHarness(), clusterHarness()] as Harness[]) {
  describe(`crash before ACK [${h.name}]`, () => {
    before(() => h.setup());
    after(() => h.teardown());

    test('the signal is delivered again to the next coordinator with that id, then never again once acknowledged', async () => {
      const swarm = uniqueSwarm();
      const c = new Coordinators(() => h.store(), swarm);
      try {
        const sender = await c.start('sender');
        const { messageId } = await sender.sendSignal('crash-b', 'completion', { iteration: 1, payload: { confidence: 0.92 } });
        const child = startCoordinatorProcess({ STORE_SPEC: h.childStoreSpec()!, COORD_ID: 'crash-b', SWARM_ID: swarm, SECRET, MODE: 'receive-and-hang' });
        assert.deepEqual(await child.nextLine(), { messageId });
        child.child.kill('SIGKILL');
        assert.equal((await child.exited).signal, 'SIGKILL');

        // Its heartbeat key expires (TTL 300 ms) but the registry still knows it.
        const deadline = performance.now() + 5_000;
        while ((await h.store().getHeartbeat('crash-b')) !== null) {
          assert.ok(performance.now() < deadline, 'heartbeat key expired');
          await sleep(25);
        }
        assert.ok((await h.store().listRegistry(swarm)).some((e) => e.coordinatorId === 'crash-b'));

        const restarted = await c.start('crash-b', { store: await h.newStore() });
        const again = await restarted.blockUntilSignal({ timeoutMs: 5_000 });
        assert.equal(again.messageId, messageId);
        const ack = await restarted.acknowledge(again);
        assert.deepEqual((await sender.waitForAcks(['crash-b'], messageId, { timeoutMs: 5_000 })).get('crash-b'), ack);
        await restarted.stop();

        const third = await c.start('crash-b', { store: await h.newStore() });
        await assert.rejects(third.blockUntilSignal({ timeoutMs: 150 }), SignalTimeoutError);
      } finally {
        await c.shutdownAll();
      }
    });
  });
}
