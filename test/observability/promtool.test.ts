/**
 * `promtool check metrics` on a real scrape: a registry with every family of METRIC_NAMES holding
 * samples. Real components on the memory store feed most of them; the rare events (a rejected
 * signal, a forged record, a failed heartbeat, a deadlock, a breaker opening, lost state) come
 * from stand-ins with the components' event shapes, since the point here is the exposition format.
 */
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { StoreCircuitOpenError, StoreUnavailableError } from '../../src/protocol/errors.js';
import { createMetrics } from '../../src/observability/create-metrics.js';
import { METRIC_NAMES } from '../../src/observability/metric-names.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { cleanupStaleState } from '../../src/supervision/cleanup.js';
import { GlobalCoordinator } from '../../src/supervision/global-coordinator.js';
import { CoordinatorTimeoutHandler } from '../../src/supervision/timeout-handler.js';
import { Coordinators, SECRET, uniqueSwarm } from '../support/coordinators.js';
import { nextLeader } from '../support/leader-events.js';
import { promtool } from '../support/promtool.js';
import { recordingLogger } from '../support/recording-logger.js';

async function populatedRegistry(): Promise<{ registry: Registry; close: () => Promise<void> }> {
  const registry = new Registry();
  const metrics = createMetrics({ registry });
  const store = new MemoryStore();
  const swarm = uniqueSwarm('prom');
  const c = new Coordinators(() => store, swarm);
  const namespace = uniqueSwarm('ns');
  const election = { secret: SECRET, leaseTimeoutMs: 600, heartbeatIntervalMs: 100, workerTimeoutMs: 1_000 };
  const gc = new GlobalCoordinator({ store, namespace: uniqueSwarm('ns'), ...election, logger: recordingLogger(), env: {} });
  const handler = new CoordinatorTimeoutHandler({ store, deadThresholdMs: 2_000, checkIntervalMs: 20, maxWarnings: 2, namespace, election, logger: recordingLogger(), env: {} });
  try {
    metrics.observeStore(store);
    const [owner, validator] = await Promise.all([c.start('owner'), c.start('validator')]);
    metrics.observeCoordinator(owner);
    metrics.observeCoordinator(validator);
    // Sends, receipts, ACKs, a duplicate, a timed-out wait, heartbeats.
    const sent = await owner.sendSignal('validator', 'validate');
    await validator.acknowledge(await validator.blockUntilSignal({ timeoutMs: 5_000 }));
    await owner.waitForAcks(['validator'], sent.messageId, { timeoutMs: 5_000 });
    await owner.sendSignal('validator', 'decide', { idempotencyKey: 'k' });
    await owner.sendSignal('validator', 'decide', { idempotencyKey: 'k' });
    await owner.blockUntilSignal({ timeoutMs: 20 }).catch(() => undefined);
    await once(owner, 'heartbeat');
    // The supervisor over a dead coordinator, and its election.
    const now = await store.time();
    const stale = JSON.stringify({ coordinatorId: 'dead-1', swarmId: swarm, timestamp: now - 10_000, iteration: 0, phase: 'p', status: 'active', sequence: 1, waitingFor: [] });
    await store.register({ swarmId: swarm, coordinatorId: 'dead-1', body: stale, timestamp: now - 10_000, ttlMs: 60_000, registryTtlMs: 600_000 });
    metrics.observeSupervisor(handler);
    const escalated = once(handler, 'coordinator:escalated');
    await handler.start();
    await escalated;
    await once(handler, 'check:ended');
    metrics.observeElection(gc); // left running until the scrape: a leader is known
    const elected = nextLeader(gc);
    await gc.start();
    await elected;
    metrics.observeCleanup(await cleanupStaleState(store, { dryRun: false, logger: recordingLogger() }));
  } catch (error) {
    await gc.stop();
    throw error;
  } finally {
    await handler.stop();
    await c.shutdownAll();
  }

  // Stand-ins for what a healthy run does not do.
  const coordinator = Object.assign(new EventEmitter(), { id: 'stand-in', swarmId: swarm });
  metrics.observeCoordinator(coordinator as never);
  coordinator.emit('message:rejected', { kind: 'signal', reason: 'bad_signature' });
  coordinator.emit('message:rejected', { kind: 'ack', reason: 'replay_window' });
  coordinator.emit('record:forged', {});
  coordinator.emit('held:limit', { held: 'handed_out' });
  coordinator.emit('heartbeat:failed', new StoreUnavailableError('beat', new Error('down')));
  const supervisor = Object.assign(new EventEmitter(), { getMetrics: () => ({ escalationsCapped: 1, spawnsCapped: 0, rejectedRegistryEntries: 2, rejectedRecords: 0 }) });
  metrics.observeSupervisor(supervisor as never);
  supervisor.emit('coordinator:recovered', { swarmId: swarm, coordinatorId: 'c' });
  supervisor.emit('escalation:failed', { swarmId: swarm, coordinatorId: 'c' });
  supervisor.emit('deadlock:detected', { swarmId: swarm, cycle: ['a', 'b'] });
  supervisor.emit('check:ended', { durationMs: 3, completed: true, swarms: [{ swarmId: swarm, alive: 1, warned: 1, dead: 0 }] });
  const owner = Object.assign(new EventEmitter(), { coordinator: { swarmId: swarm }, runRound: () => undefined });
  metrics.observeWorkflow(owner as never);
  owner.emit('round:started', { roundId: 'r', iteration: 1 });
  owner.emit('round:started', { roundId: 'r', iteration: 2 });
  owner.emit('round:ended', { roundId: 'r', iteration: 1, decision: 'ESCALATE', durationMs: 1_200, missing: [{ reason: 'no_answer' }] });
  owner.emit('loop:ended', { endedBy: 'escalated' });
  let changed: (change: { state: string }) => void = () => undefined;
  let operation: (event: { operation: string; durationMs: number; error?: unknown }) => void = () => undefined;
  metrics.observeStore({
    breaker: { state: 'closed', onStateChange: (listener) => ((changed = listener), () => undefined) },
    lostState: { inboxesGone: 1, groupsRecreated: 0, wrongTypeKeysReplaced: 0 },
    observeOperations: (listener) => ((operation = listener), () => undefined),
  });
  changed({ state: 'open' });
  operation({ operation: 'appendSignal', durationMs: 1, error: new StoreCircuitOpenError('appendSignal', Date.now(), 100) });
  return {
    registry,
    close: async () => {
      await gc.stop();
      await store.close();
    },
  };
}

test('promtool check metrics passes on a scrape with every metric family populated', { timeout: 30_000 }, async () => {
  const { registry, close } = await populatedRegistry();
  const text = await registry.metrics().finally(close);
  const sampled = new Set(text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).map((line) => line.split(/[{ ]/)[0]!.replace(/_(bucket|sum|count)$/, '')));
  const empty = Object.values(METRIC_NAMES).filter(({ name }) => !sampled.has(name)).map(({ name }) => name);
  assert.deepEqual(empty, [], 'every family has samples');
  const { code, lines } = await promtool(['check', 'metrics'], text);
  assert.deepEqual(lines, [], 'promtool reports no problem');
  assert.equal(code, 0);

  // The check can fail: a name that breaks its conventions is reported.
  const bad = await promtool(['check', 'metrics'], '# HELP bad_total_seconds x\n# TYPE bad_total_seconds counter\nbad_total_seconds 1\n');
  assert.ok(bad.lines.length > 0 || bad.code !== 0, 'promtool flags a bad metric');
});
