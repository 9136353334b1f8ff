import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { keys } from '../../src/protocol/keys.js';
import { cleanupStaleState } from '../../src/supervision/cleanup.js';
import { Coordinators, uniqueSwarm } from '../support/coordinators.js';
import { recordingLogger } from '../support/recording-logger.js';
import type { Harness } from './harness.js';

const THRESHOLD = 600_000;

/** Issue 4, behaviour 8: stale-state cleanup. */
export function cleanupBehaviour(h: Harness): void {
  describe(`cleanup [${h.name}]`, () => {
    let c: Coordinators;
    let swarm: string;
    before(() => h.setup());
    after(() => h.teardown());
    afterEach(() => c?.shutdownAll());
    const fresh = () => (c = new Coordinators(() => h.store(), (swarm = uniqueSwarm('clean'))));

    /** A coordinator that last beat at `at` (store ms) and has an inbox with one signal in it. */
    const ghost = async (id: string, at: number) => {
      const body = JSON.stringify({ coordinatorId: id, swarmId: swarm, timestamp: at, iteration: 0, phase: 'x', status: 'active', sequence: 1 });
      await h.store().register({ swarmId: swarm, coordinatorId: id, body, timestamp: at, ttlMs: 3_600_000, registryTtlMs: 86_400_000 });
    };

    test('removes stale coordinators\' state and nothing of live ones; at the threshold is kept, a second past is removed', async () => {
      fresh();
      const now = await h.store().time();
      const live = await c.start('coord-10');
      await ghost('coord-1', now - THRESHOLD - 1_000);
      await ghost('at-threshold', now - THRESHOLD);
      await ghost('long-gone', now - 5 * THRESHOLD);
      await live.sendSignal('coord-1', 'wake');
      await live.sendSignal('coord-10', 'wake');
      await live.sendSignal('long-gone', 'wake');

      const report = await cleanupStaleState(h.store(), { staleThresholdMs: THRESHOLD, logger: recordingLogger() });
      assert.ok(report.staleCoordinators.includes('coord-1') && report.staleCoordinators.includes('long-gone'));
      assert.ok(!report.staleCoordinators.includes('at-threshold') && !report.staleCoordinators.includes('coord-10'));
      assert.equal(await h.store().getHeartbeat('coord-1'), null);
      assert.equal(await h.store().getHeartbeat('long-gone'), null);
      assert.notEqual(await h.store().getHeartbeat('at-threshold'), null);
      assert.notEqual(await h.store().getHeartbeat('coord-10'), null);
      const ttls = await h.store().keyTtls([keys.inbox(swarm, 'coord-1'), keys.inbox(swarm, 'long-gone'), keys.inbox(swarm, 'coord-10')]);
      assert.deepEqual(ttls.map((t) => t > 0), [false, false, true], 'stale inboxes gone, the live one kept');
      assert.deepEqual((await h.store().listRegistry(swarm)).map((e) => e.coordinatorId).sort(), ['at-threshold', 'coord-10']);
      assert.ok(report.keysDeleted >= 4);
      assert.equal(report.errors, 0);
      assert.equal((await live.blockUntilSignal({ timeoutMs: 1_000 })).receiverId, 'coord-10', 'the live coordinator still has its signal');
    });

    test('a dry run deletes nothing and lists what it would delete', async () => {
      fresh();
      const now = await h.store().time();
      await ghost('dry-stale', now - THRESHOLD - 1_000);
      await h.setRaw(`blocking:custom:{${swarm}}:endless`, 'x');
      const dry = await cleanupStaleState(h.store(), { staleThresholdMs: THRESHOLD, dryRun: true, logger: recordingLogger() });
      assert.ok(dry.dryRun && dry.staleCoordinators.includes('dry-stale'));
      assert.ok(dry.wouldDelete.includes(keys.heartbeat('dry-stale')));
      assert.ok(dry.wouldFixTtl.includes(`blocking:custom:{${swarm}}:endless`));
      assert.deepEqual([dry.keysDeleted, dry.ttlsFixed], [0, 0]);
      assert.notEqual(await h.store().getHeartbeat('dry-stale'), null, 'nothing deleted');
      assert.deepEqual(await h.store().keyTtls([`blocking:custom:{${swarm}}:endless`]), [-1], 'no TTL set');

      const real = await cleanupStaleState(h.store(), { staleThresholdMs: THRESHOLD, logger: recordingLogger() });
      assert.equal(await h.store().getHeartbeat('dry-stale'), null);
      assert.ok(real.ttlsFixed >= 1);
      const [ttl] = await h.store().keyTtls([`blocking:custom:{${swarm}}:endless`]);
      assert.ok(ttl! > 86_000_000 && ttl! <= 86_400_000, `a 24 h TTL (${ttl})`);
    });
  });
}
