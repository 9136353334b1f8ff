/**
 * The metrics of a coordinator, a supervisor, an election and a store, on one store adapter
 * (memory.test.ts and redis.test.ts run it). Each test has a registry of its own; timings are
 * compressed through the components' options, and each step waits for an event.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { Registry, type Gauge } from 'prom-client';
import type { BlockingCoordinator } from '../../src/core/coordinator.js';
import { createMetrics } from '../../src/observability/create-metrics.js';
import { globalKeys } from '../../src/protocol/keys.js';
import type { Store } from '../../src/store/port.js';
import { cleanupStaleState } from '../../src/supervision/cleanup.js';
import { GlobalCoordinator } from '../../src/supervision/global-coordinator.js';
import type { CheckEndedEvent } from '../../src/supervision/supervisor/events.js';
import { CoordinatorTimeoutHandler } from '../../src/supervision/timeout-handler.js';
import { Coordinators, SECRET, uniqueSwarm } from '../support/coordinators.js';
import { nextLeader } from '../support/leader-events.js';
import type { RawAccess } from '../support/raw-access.js';
import { recordingLogger } from '../support/recording-logger.js';
import { seriesOf, valueOf } from './scrape.js';

/** The events the metrics count: a coordinator's metrics are recorded without listening to them. */
const METRIC_EVENTS = ['signal:sent', 'signal:received', 'ack:sent', 'wait:ended', 'heartbeat', 'heartbeat:failed', 'message:rejected', 'record:forged', 'held:limit'] as const;

function listeners(coordinator: BlockingCoordinator): number {
  return METRIC_EVENTS.reduce((sum, event) => sum + coordinator.listenerCount(event), 0);
}

export function metricsSuite(adapter: 'memory' | 'redis', store: () => Store, raw: () => RawAccess): void {
  test(`${adapter}: a round trip counts sends, receipts and ACKs by swarm and type, and times the delivery and the waits`, { timeout: 20_000 }, async () => {
    const registry = new Registry();
    const metrics = createMetrics({ registry });
    const swarm = uniqueSwarm('rt');
    const c = new Coordinators(store, swarm);
    try {
      const [owner, validator] = await Promise.all([c.start('owner'), c.start('validator')]);
      const stops = [metrics.observeCoordinator(owner), metrics.observeCoordinator(validator)];
      const sent = await owner.sendSignal('validator', 'validate', { payload: { round: 1 } });
      const signal = await validator.blockUntilSignal({ timeoutMs: 5_000 });
      await validator.acknowledge(signal, { result: 'approved' });
      const acks = await owner.waitForAcks(['validator'], sent.messageId, { timeoutMs: 5_000 });
      assert.equal(acks.size, 1);
      await owner.sendSignal('validator', 'my-custom-type');
      await validator.blockUntilSignal({ types: 'my-custom-type', timeoutMs: 5_000 });
      const duplicate = await owner.sendSignal('validator', 'decide', { idempotencyKey: 'once' });
      assert.equal((await owner.sendSignal('validator', 'decide', { idempotencyKey: 'once' })).messageId, duplicate.messageId);

      assert.equal(await valueOf(registry, 'rendezvous_signals_sent_total', { swarm, type: 'validate' }), 1);
      assert.equal(await valueOf(registry, 'rendezvous_signals_sent_total', { swarm, type: 'other' }), 1, 'a custom type is counted as other');
      assert.equal(await valueOf(registry, 'rendezvous_signals_sent_total', { swarm, type: 'my-custom-type' }), undefined, 'no series per custom type');
      assert.equal(await valueOf(registry, 'rendezvous_signals_duplicate_total', { swarm }), 1);
      assert.equal(await valueOf(registry, 'rendezvous_signals_received_total', { swarm, type: 'validate' }), 1);
      assert.equal(await valueOf(registry, 'rendezvous_signals_received_total', { swarm, type: 'other' }), 1);
      assert.equal(await valueOf(registry, 'signal_delivery_latency_seconds_count', { swarm, type: 'validate' }), 1);
      const latency = (await valueOf(registry, 'signal_delivery_latency_seconds_sum', { swarm, type: 'validate' }))!;
      assert.ok(latency >= 0 && latency < 5, `delivery latency ${latency} s: store-clock receipt minus send time`);
      assert.equal(await valueOf(registry, 'blocking_coordination_duration_seconds_count', { swarm, kind: 'signal', outcome: 'completed' }), 2);
      assert.equal(await valueOf(registry, 'blocking_coordination_duration_seconds_count', { swarm, kind: 'acks', outcome: 'completed' }), 1);
      assert.equal(await valueOf(registry, 'rendezvous_acks_sent_total', { swarm }), 1);
      assert.equal(await valueOf(registry, 'rendezvous_acks_received_total', { swarm }), 1);
      await once(owner, 'heartbeat');
      assert.ok((await valueOf(registry, 'rendezvous_heartbeats_total', { swarm }))! >= 1);
      for (const labels of await seriesOf(registry, 'rendezvous_signals_sent_total')) assert.equal(labels.coordinator, undefined, 'no coordinator label unless asked for');
      for (const stop of stops) stop();
    } finally {
      await c.shutdownAll();
    }
  });

  test(`${adapter}: wait timeouts count timeout_events_total by kind (blocking, ack_wait), and a barrier is one wait`, { timeout: 20_000 }, async () => {
    const registry = new Registry();
    const metrics = createMetrics({ registry });
    const swarm = uniqueSwarm('to');
    const c = new Coordinators(store, swarm);
    try {
      const [owner, validator] = await Promise.all([c.start('owner'), c.start('validator')]);
      metrics.observeCoordinator(owner);
      await assert.rejects(owner.blockUntilSignal({ timeoutMs: 30 }), { code: 'RDV_ERR_TIMEOUT' });
      const sent = await owner.sendSignal('validator', 'validate');
      assert.equal((await owner.waitForAcks(['validator'], sent.messageId, { timeoutMs: 30 })).size, 0);
      await validator.sendSignal('owner', 'completion');
      const got = await owner.waitForSignals(['validator', 'nobody'], { timeoutMs: 100 });
      assert.equal(got.size, 1);

      assert.equal(await valueOf(registry, 'timeout_events_total', { swarm, kind: 'blocking' }), 2, 'the blockUntilSignal and the barrier');
      assert.equal(await valueOf(registry, 'timeout_events_total', { swarm, kind: 'ack_wait' }), 1);
      assert.equal(await valueOf(registry, 'blocking_coordination_duration_seconds_count', { swarm, kind: 'signal', outcome: 'timeout' }), 2, 'the barrier of two rounds is one wait');
      assert.equal(await valueOf(registry, 'blocking_coordination_duration_seconds_count', { swarm, kind: 'acks', outcome: 'timeout' }), 1);
      const waited = (await valueOf(registry, 'blocking_coordination_duration_seconds_sum', { swarm, kind: 'acks', outcome: 'timeout' }))!;
      assert.ok(waited >= 0.025, `the ACK wait lasted ${waited} s, about its 30 ms timeout`);

      const aborter = new AbortController();
      const aborted = owner.blockUntilSignal({ timeoutMs: 5_000, signal: aborter.signal });
      aborter.abort();
      await assert.rejects(aborted, { code: 'RDV_ERR_ABORTED' });
      assert.equal(await valueOf(registry, 'blocking_coordination_duration_seconds_count', { swarm, kind: 'signal', outcome: 'aborted' }), 1);
    } finally {
      await c.shutdownAll();
    }
  });

  test(`${adapter}: metrics attach no event listener; store operations run unwrapped when unobserved; an unobserved coordinator's counts stay`, { timeout: 20_000 }, async () => {
    const registry = new Registry();
    const metrics = createMetrics({ registry });
    const swarm = uniqueSwarm('off');
    const c = new Coordinators(store, swarm);
    const s = store();
    try {
      const [owner] = await Promise.all([c.start('owner'), c.start('validator')]);
      assert.equal(listeners(owner), 0, 'a coordinator nobody observes has no listener: it times and emits nothing for metrics');
      const plain = s.appendSignal;
      const unobserve = metrics.observeCoordinator(owner);
      assert.equal(metrics.observeCoordinator(owner), unobserve, 'observing twice counts nothing twice');
      const unobserveStore = metrics.observeStore(s);
      assert.notEqual(s.appendSignal, plain, 'observed: operations are timed');
      assert.equal(listeners(owner), 0, 'observed: recorded directly, no listener (no event built for the metrics)');
      await owner.sendSignal('validator', 'validate');
      await owner.sendSignal('validator', 'validate');
      assert.ok((await valueOf(registry, 'rendezvous_store_operation_duration_seconds_count', { operation: 'appendSignal' }))! >= 2);
      unobserve();
      unobserveStore();
      assert.equal(s.appendSignal, plain, 'unobserved: the operation is the plain one again');
      await owner.sendSignal('validator', 'validate');
      await owner.stop();
      assert.equal(await valueOf(registry, 'rendezvous_signals_sent_total', { swarm, type: 'validate' }), 2, 'counts kept, later sends not counted');
    } finally {
      await c.shutdownAll();
    }
  });

  test(`${adapter}: held limits are counted by what was held, and that counter and the forged-record one start at 0 (their alerts take increase())`, { timeout: 20_000 }, async () => {
    const registry = new Registry();
    const metrics = createMetrics({ registry });
    const swarm = uniqueSwarm('held');
    const c = new Coordinators(store, swarm);
    const bounded = { maxSignalBytes: 16_384, maxHeldBytes: 40_000 };
    try {
      const [sender, receiver] = await Promise.all([c.start('sender', bounded), c.start('receiver', bounded)]);
      metrics.observeCoordinator(receiver);
      for (const held of ['pending', 'handed_out']) assert.equal(await valueOf(registry, 'rendezvous_held_limit_total', { swarm, held }), 0, held);
      assert.equal(await valueOf(registry, 'rendezvous_forged_records_total', { swarm }), 0);
      for (let i = 0; i < 5; i += 1) {
        await sender.sendSignal('receiver', 'task', { iteration: i, payload: { text: 'x'.repeat(10_000) } });
        await receiver.blockUntilSignal({ timeoutMs: 5_000 }); // taken, never acknowledged
      }
      assert.equal(await valueOf(registry, 'rendezvous_held_limit_total', { swarm, held: 'handed_out' }), 1);
      assert.equal(await valueOf(registry, 'rendezvous_held_limit_total', { swarm, held: 'pending' }), 0);
    } finally {
      await c.shutdownAll();
    }
  });

  test(`${adapter}: coordinatorLabel adds a coordinator label; bad input is refused with a typed error`, { timeout: 20_000 }, async () => {
    const registry = new Registry();
    const metrics = createMetrics({ registry, coordinatorLabel: true });
    assert.equal(createMetrics({ registry, coordinatorLabel: true }), metrics, 'one RendezvousMetrics per registry');
    assert.throws(() => createMetrics({ registry }), { code: 'RDV_ERR_INVALID_CONFIG' });
    assert.throws(() => metrics.observeCoordinator(null as never), { code: 'RDV_ERR_INVALID_CONFIG' });
    assert.throws(() => metrics.observeStore({} as never), { code: 'RDV_ERR_INVALID_CONFIG' });
    const swarm = uniqueSwarm('label');
    const c = new Coordinators(store, swarm);
    try {
      const [owner] = await Promise.all([c.start('owner'), c.start('validator')]);
      metrics.observeCoordinator(owner);
      await owner.sendSignal('validator', 'wake');
      assert.equal(await valueOf(registry, 'rendezvous_signals_sent_total', { swarm, type: 'wake', coordinator: 'owner' }), 1);
    } finally {
      await c.shutdownAll();
    }
  });

  test(`${adapter}: a supervisor check over a dead coordinator sets the gauges and counts the timeout, warnings, escalation and replacement; stopping clears the gauges`, { timeout: 30_000 }, async () => {
    const registry = new Registry();
    const metrics = createMetrics({ registry });
    const s = store();
    const swarm = uniqueSwarm('sup');
    const c = new Coordinators(store, swarm);
    await c.start('alive-1');
    const now = await s.time();
    const stale = JSON.stringify({ coordinatorId: 'dead-1', swarmId: swarm, timestamp: now - 10_000, iteration: 0, phase: 'p', status: 'active', sequence: 1, waitingFor: [] });
    await s.register({ swarmId: swarm, coordinatorId: 'dead-1', body: stale, timestamp: now - 10_000, ttlMs: 60_000, registryTtlMs: 600_000 });
    const handler = new CoordinatorTimeoutHandler({
      store: s,
      deadThresholdMs: 2_000,
      checkIntervalMs: 20,
      maxWarnings: 2,
      namespace: uniqueSwarm('sv'),
      election: { secret: SECRET, leaseTimeoutMs: 600, heartbeatIntervalMs: 100, workerTimeoutMs: 1_000 },
      logger: recordingLogger(),
      env: {},
    });
    assert.equal(handler.listenerCount('check:ended'), 0);
    const unobserve = metrics.observeSupervisor(handler);
    // The gauges as the check that found it dead left them (read in its check:ended, before another check).
    const atDeath = new Promise<Record<string, number | undefined>>((resolve) => {
      const listener = (event: CheckEndedEvent) => {
        if (!event.swarms.some((counts) => counts.swarmId === swarm && counts.dead === 1)) return;
        handler.off('check:ended', listener);
        void Promise.all([
          valueOf(registry, 'active_coordinators', { swarm }),
          valueOf(registry, 'rendezvous_coordinators', { swarm, state: 'alive' }),
          valueOf(registry, 'rendezvous_coordinators', { swarm, state: 'dead' }),
          valueOf(registry, 'rendezvous_coordinators', { swarm, state: 'warned' }),
        ]).then(([active, alive, dead, warned]) => resolve({ active, alive, dead, warned }));
      };
      handler.on('check:ended', listener);
    });
    const escalated = once(handler, 'coordinator:escalated');
    try {
      await handler.start();
      await escalated;
      const gauges = await atDeath;
      assert.deepEqual(gauges, { active: 1, alive: 1, dead: 1, warned: 0 });
      assert.equal(await valueOf(registry, 'timeout_events_total', { swarm, kind: 'coordinator_dead' }), 1);
      assert.equal(await valueOf(registry, 'rendezvous_warnings_total', { swarm }), 2);
      assert.equal(await valueOf(registry, 'rendezvous_escalations_total', { swarm }), 1);
      assert.equal(await valueOf(registry, 'rendezvous_replacements_total', { swarm }), 1);
      assert.ok((await valueOf(registry, 'rendezvous_supervisor_checks_total'))! >= 2);
      assert.ok((await valueOf(registry, 'rendezvous_supervisor_check_duration_seconds_count'))! >= 2);
      assert.equal(await valueOf(registry, 'rendezvous_supervisor_capped_total', { action: 'spawn' }), 0);
    } finally {
      await handler.stop();
      await c.shutdownAll();
    }
    assert.equal(await valueOf(registry, 'active_coordinators', { swarm }), undefined, 'no longer leading: its gauges are gone');
    assert.equal(await valueOf(registry, 'rendezvous_coordinators', { swarm }), undefined);
    unobserve();
    assert.equal(handler.listenerCount('check:ended'), 0);
  });

  test(`${adapter}: a supervisor that loses its leadership (its lease deleted) removes its gauges at once`, { timeout: 30_000 }, async () => {
    const registry = new Registry();
    const metrics = createMetrics({ registry });
    const swarm = uniqueSwarm('lost');
    const namespace = uniqueSwarm('sv');
    const c = new Coordinators(store, swarm);
    await c.start('alive-1');
    const handler = new CoordinatorTimeoutHandler({
      store: store(),
      deadThresholdMs: 2_000,
      checkIntervalMs: 20,
      namespace,
      election: { secret: SECRET, leaseTimeoutMs: 900, heartbeatIntervalMs: 100, workerTimeoutMs: 1_000 },
      logger: recordingLogger(),
      env: {},
    });
    metrics.observeSupervisor(handler);
    const gauge = registry.getSingleMetric('active_coordinators') as Gauge;
    // A gauge's get() reads its values before its first await: what this returns is the state when it is called.
    const seriesNow = () => gauge.get().then(({ values }) => values.filter((v) => v.labels.swarm === swarm).map((v) => v.value));
    try {
      const checked = new Promise<void>((resolve) => {
        const listener = (event: CheckEndedEvent) => {
          if (!event.swarms.some((counts) => counts.swarmId === swarm)) return;
          handler.off('check:ended', listener);
          resolve();
        };
        handler.on('check:ended', listener);
      });
      await handler.start();
      await checked;
      assert.deepEqual(await seriesNow(), [1], 'the leader exports its view');
      const lost = new Promise<Promise<number[]>>((resolve) => {
        const listener = (event: { isLeader: boolean }) => {
          if (event.isLeader) return;
          handler.off('leadership:changed', listener);
          resolve(seriesNow()); // read in the event, before a new term's check can set them again
        };
        handler.on('leadership:changed', listener);
      });
      await raw().del(globalKeys.leader(namespace)); // its next renewal fails: it steps down
      assert.deepEqual(await (await lost), [], 'gauges removed when it stopped leading');
    } finally {
      await handler.stop();
      await c.shutdownAll();
    }
  });

  test(`${adapter}: the election's gauges: leader, epoch, is_leader, on the leader and on a follower`, { timeout: 20_000 }, async () => {
    const namespace = uniqueSwarm('ns');
    const options = { store: store(), namespace, secret: SECRET, leaseTimeoutMs: 600, heartbeatIntervalMs: 100, workerTimeoutMs: 1_000, logger: recordingLogger(), env: {} };
    const leader = new GlobalCoordinator({ ...options, workerId: 'worker-a' });
    const follower = new GlobalCoordinator({ ...options, workerId: 'worker-b' });
    const [leaderRegistry, followerRegistry] = [new Registry(), new Registry()];
    createMetrics({ registry: leaderRegistry }).observeElection(leader);
    const unobserveFollower = createMetrics({ registry: followerRegistry }).observeElection(follower);
    try {
      const elected = nextLeader(leader);
      await leader.start();
      await elected;
      const seen = nextLeader(follower);
      await follower.start();
      await seen;
      const epoch = leader.getEpoch();
      assert.ok(epoch >= 1);
      for (const [registry, leads] of [[leaderRegistry, 1], [followerRegistry, 0]] as const) {
        assert.equal(await valueOf(registry, 'rendezvous_is_leader', { namespace }), leads);
        assert.equal(await valueOf(registry, 'rendezvous_leader_epoch', { namespace }), epoch);
        assert.deepEqual(await seriesOf(registry, 'rendezvous_leader_info'), [{ namespace, leader: 'worker-a' }]);
        assert.ok((await valueOf(registry, 'rendezvous_leader_changes_total', { namespace }))! >= 1);
        assert.equal(await valueOf(registry, 'rendezvous_lease_renew_failures_total', { namespace }), 0);
      }
      unobserveFollower();
      assert.deepEqual(await seriesOf(followerRegistry, 'rendezvous_is_leader'), [], 'unobserved: the namespace gauges go');
      assert.equal(follower.listenerCount('leader:changed'), 0);
    } finally {
      await follower.stop();
      await leader.stop();
    }
  });

  test(`${adapter}: cleanup runs are counted by outcome and mode`, { timeout: 20_000 }, async () => {
    const registry = new Registry();
    const metrics = createMetrics({ registry });
    const dry = await cleanupStaleState(store(), { dryRun: true, logger: recordingLogger() });
    metrics.observeCleanup(dry);
    const executed = await cleanupStaleState(store(), { dryRun: false, logger: recordingLogger() });
    metrics.observeCleanup(executed);
    metrics.observeCleanup({ dryRun: false, error: new Error('unreachable') });
    metrics.observeCleanup(null as never); // bad input: counted as a failed run, never a crash
    assert.equal(await valueOf(registry, 'rendezvous_cleanup_runs_total', { outcome: 'ok', mode: 'dry_run' }), 1);
    assert.equal(await valueOf(registry, 'rendezvous_cleanup_runs_total', { outcome: 'ok', mode: 'execute' }), executed.errors === 0 ? 1 : undefined);
    assert.equal(await valueOf(registry, 'rendezvous_cleanup_runs_total', { outcome: 'failed', mode: 'execute' }), 1);
    assert.equal(await valueOf(registry, 'rendezvous_cleanup_runs_total', { outcome: 'failed', mode: 'dry_run' }), 1);
    assert.equal(await valueOf(registry, 'rendezvous_cleanup_keys_removed_total', { kind: 'deleted' }), executed.keysDeleted);
  });
}
