/**
 * The metrics' direct recorders (a coordinator's and a store's, issue 13): counts match the
 * events', the application's listeners still get every event, several registries count alike,
 * and detaching stops counting at once.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { after, test } from 'node:test';
import { Registry } from 'prom-client';
import type { CoordinatorRecorder } from '../../src/core/coordinator-recorder.js';
import type { WaitEndedEvent } from '../../src/core/coordinator-observer.js';
import type { CoordinatorCounts } from '../../src/observability/coordinator-counts.js';
import { createMetrics } from '../../src/observability/create-metrics.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import type { StoreOperationEvent } from '../../src/store/port.js';
import { Coordinators, uniqueSwarm } from '../support/coordinators.js';
import { valueOf } from './scrape.js';

// What the observability layer hands a coordinator is what the coordinator calls (checked at compile time).
const fits: (counts: CoordinatorCounts) => CoordinatorRecorder = (counts) => counts;
void fits;

const store = new MemoryStore();
after(() => store.close());

/** One round trip: a send, its receipt, its ACK and the wait for it. */
async function roundTrip(owner: Awaited<ReturnType<Coordinators['start']>>, validator: Awaited<ReturnType<Coordinators['start']>>): Promise<void> {
  const sent = await owner.sendSignal(validator.id, 'validate');
  await validator.acknowledge(await validator.blockUntilSignal({ timeoutMs: 5_000 }));
  await owner.waitForAcks([validator.id], sent.messageId, { timeoutMs: 5_000 });
}

test('an observed coordinator still emits every event to the application, with the same figures the metrics record', { timeout: 20_000 }, async () => {
  const registry = new Registry();
  const metrics = createMetrics({ registry });
  const swarm = uniqueSwarm('rec-events');
  const c = new Coordinators(() => store, swarm);
  try {
    const [owner, validator] = await Promise.all([c.start('owner'), c.start('validator')]);
    metrics.observeCoordinator(owner);
    metrics.observeCoordinator(validator);
    const waits: WaitEndedEvent[] = [];
    const seen: string[] = [];
    owner.on('wait:ended', (event) => waits.push(event));
    owner.on('signal:sent', (event) => seen.push(`sent ${event.type} ${event.isDuplicate}`));
    validator.on('signal:received', (signal, delivery) => seen.push(`received ${signal.type} ${delivery.latencyMs >= 0}`));
    validator.on('ack:sent', (ack) => seen.push(`ack ${ack.messageId === undefined ? 'none' : 'of message'}`));
    await roundTrip(owner, validator);
    assert.deepEqual(seen.sort(), ['ack of message', 'received validate true', 'sent validate false']);
    assert.equal(waits.length, 1);
    assert.equal(waits[0]!.kind, 'acks');
    assert.equal(waits[0]!.outcome, 'completed');
    assert.equal(waits[0]!.received, 1);
    assert.equal(await valueOf(registry, 'rendezvous_signals_sent_total', { swarm, type: 'validate' }), 1);
    assert.equal(await valueOf(registry, 'rendezvous_signals_received_total', { swarm, type: 'validate' }), 1);
    assert.equal(await valueOf(registry, 'rendezvous_acks_sent_total', { swarm }), 1);
    assert.equal(await valueOf(registry, 'rendezvous_acks_received_total', { swarm }), 1);
    assert.equal(await valueOf(registry, 'blocking_coordination_duration_seconds_count', { swarm, kind: 'acks', outcome: 'completed' }), 1);
    assert.equal(await valueOf(registry, 'blocking_coordination_duration_seconds_count', { swarm, kind: 'signal', outcome: 'completed' }), 1);
  } finally {
    await c.shutdownAll();
  }
});

test('a coordinator observed into two registries counts in each once; unobserving one leaves the other counting', { timeout: 20_000 }, async () => {
  const [first, second] = [new Registry(), new Registry()];
  const [m1, m2] = [createMetrics({ registry: first }), createMetrics({ registry: second })];
  const swarm = uniqueSwarm('rec-two');
  const c = new Coordinators(() => store, swarm);
  try {
    const [owner, validator] = await Promise.all([c.start('owner'), c.start('validator')]);
    const stop1 = m1.observeCoordinator(owner);
    m2.observeCoordinator(owner);
    await roundTrip(owner, validator);
    for (const registry of [first, second]) {
      assert.equal(await valueOf(registry, 'rendezvous_signals_sent_total', { swarm, type: 'validate' }), 1);
      assert.equal(await valueOf(registry, 'blocking_coordination_duration_seconds_count', { swarm, kind: 'acks', outcome: 'completed' }), 1);
    }
    stop1();
    stop1(); // idempotent
    await roundTrip(owner, validator);
    assert.equal(await valueOf(first, 'rendezvous_signals_sent_total', { swarm, type: 'validate' }), 1, 'unobserved: nothing more counted');
    assert.equal(await valueOf(second, 'rendezvous_signals_sent_total', { swarm, type: 'validate' }), 2);
    assert.equal(await valueOf(second, 'blocking_coordination_duration_seconds_count', { swarm, kind: 'acks', outcome: 'completed' }), 2);
  } finally {
    await c.shutdownAll();
  }
});

test('anything else with the events (not a BlockingCoordinator) is counted from them, alike', async () => {
  const registry = new Registry();
  const metrics = createMetrics({ registry });
  const stand = Object.assign(new EventEmitter(), { id: 'stand-in', swarmId: 'rec-stand' });
  const stop = metrics.observeCoordinator(stand as never);
  stand.emit('signal:sent', { type: 'validate', isDuplicate: false });
  stand.emit('signal:sent', { type: 'validate', isDuplicate: true });
  stand.emit('signal:received', { type: 'custom' }, { latencyMs: 12 });
  stand.emit('ack:sent', {});
  stand.emit('wait:ended', { kind: 'acks', durationMs: 5, outcome: 'timeout', received: 2 });
  stop();
  assert.equal(stand.listenerCount('signal:sent'), 0);
  const swarm = 'rec-stand';
  assert.equal(await valueOf(registry, 'rendezvous_signals_sent_total', { swarm, type: 'validate' }), 1);
  assert.equal(await valueOf(registry, 'rendezvous_signals_duplicate_total', { swarm }), 1);
  assert.equal(await valueOf(registry, 'rendezvous_signals_received_total', { swarm, type: 'other' }), 1);
  assert.equal(await valueOf(registry, 'signal_delivery_latency_seconds_sum', { swarm, type: 'other' }), 0.012);
  assert.equal(await valueOf(registry, 'rendezvous_acks_sent_total', { swarm }), 1);
  assert.equal(await valueOf(registry, 'rendezvous_acks_received_total', { swarm }), 2);
  assert.equal(await valueOf(registry, 'timeout_events_total', { swarm, kind: 'ack_wait' }), 1);
  assert.equal(await valueOf(registry, 'blocking_coordination_duration_seconds_count', { swarm, kind: 'acks', outcome: 'timeout' }), 1);
});

test('a store observed by metrics and by an observeOperations listener: each gets every operation once; detaching one leaves the other', async () => {
  const registry = new Registry();
  const metrics = createMetrics({ registry });
  const own = new MemoryStore();
  try {
    const plain = own.time;
    const events: StoreOperationEvent[] = [];
    const stopListener = own.observeOperations((event) => events.push(event));
    const stopMetrics = metrics.observeStore(own);
    await own.time();
    assert.equal(events.length, 1);
    assert.equal(events[0]!.operation, 'time');
    assert.equal(await valueOf(registry, 'rendezvous_store_operation_duration_seconds_count', { operation: 'time' }), 1);
    stopListener();
    await own.time();
    assert.equal(events.length, 1, 'the detached listener gets nothing more');
    assert.equal(await valueOf(registry, 'rendezvous_store_operation_duration_seconds_count', { operation: 'time' }), 2);
    assert.notEqual(own.time, plain, 'still timed for the metrics');
    stopMetrics();
    await own.time();
    assert.equal(await valueOf(registry, 'rendezvous_store_operation_duration_seconds_count', { operation: 'time' }), 2, 'unobserved: nothing more recorded');
    assert.equal(own.time, plain, 'nothing attached: the plain operation again');
  } finally {
    await own.close();
  }
});

test('an operation still under way when the metrics detach records nothing after', async () => {
  const registry = new Registry();
  const metrics = createMetrics({ registry });
  const own = new MemoryStore();
  try {
    const stop = metrics.observeStore(own);
    const pending = own.time();
    stop();
    await pending;
    assert.equal(await valueOf(registry, 'rendezvous_store_operation_duration_seconds_count', { operation: 'time' }), undefined);
  } finally {
    await own.close();
  }
});

test('a failed store operation is timed and counted by its error code', async () => {
  const registry = new Registry();
  const metrics = createMetrics({ registry });
  const own = new MemoryStore();
  metrics.observeStore(own);
  await own.close();
  await assert.rejects(own.time(), { code: 'RDV_ERR_STORE_CLOSED' });
  assert.equal(await valueOf(registry, 'rendezvous_store_operation_errors_total', { operation: 'time', code: 'RDV_ERR_STORE_CLOSED' }), 1);
  assert.equal(await valueOf(registry, 'rendezvous_store_operation_duration_seconds_count', { operation: 'time' }), 1);
});
