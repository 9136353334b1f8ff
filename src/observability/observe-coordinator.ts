import type { LeanCounter } from './lean-counter.js';
import type { LeanHistogram } from './lean-histogram.js';
import type { MetricSet } from './metric-set.js';
import { heartbeatFailureLabel, rejectionReasonLabel, secondsOf, signalTypeLabel, countOf } from './labels.js';

/**
 * The coordinator events the metrics listen to, by the fields they read (structural: this layer
 * does not import core/). A BlockingCoordinator has them.
 */
export interface ObservedCoordinatorEvents {
  'signal:sent': [event: { type: string; isDuplicate: boolean }];
  'signal:received': [signal: { type: string }, delivery: { latencyMs: number } | undefined];
  'message:rejected': [event: { kind: 'signal' | 'ack'; reason: string }];
  'record:forged': [event: unknown];
  'ack:sent': [ack: unknown];
  heartbeat: [heartbeat: unknown];
  'heartbeat:failed': [error: unknown];
  'wait:ended': [event: { kind: 'signal' | 'acks'; durationMs: number; outcome: 'completed' | 'timeout' | 'aborted'; received: number }];
}

/** What observeCoordinator needs of a coordinator: its ids and its events (one overload per event, so an EventEmitter with a typed event map matches). */
export interface ObservableCoordinator {
  readonly id: string;
  readonly swarmId: string;
  on(event: 'signal:sent', listener: (...args: ObservedCoordinatorEvents['signal:sent']) => void): unknown;
  on(event: 'signal:received', listener: (...args: ObservedCoordinatorEvents['signal:received']) => void): unknown;
  on(event: 'message:rejected', listener: (...args: ObservedCoordinatorEvents['message:rejected']) => void): unknown;
  on(event: 'record:forged', listener: (...args: ObservedCoordinatorEvents['record:forged']) => void): unknown;
  on(event: 'ack:sent', listener: (...args: ObservedCoordinatorEvents['ack:sent']) => void): unknown;
  on(event: 'heartbeat', listener: (...args: ObservedCoordinatorEvents['heartbeat']) => void): unknown;
  on(event: 'heartbeat:failed', listener: (...args: ObservedCoordinatorEvents['heartbeat:failed']) => void): unknown;
  on(event: 'wait:ended', listener: (...args: ObservedCoordinatorEvents['wait:ended']) => void): unknown;
  off(event: 'signal:sent', listener: (...args: ObservedCoordinatorEvents['signal:sent']) => void): unknown;
  off(event: 'signal:received', listener: (...args: ObservedCoordinatorEvents['signal:received']) => void): unknown;
  off(event: 'message:rejected', listener: (...args: ObservedCoordinatorEvents['message:rejected']) => void): unknown;
  off(event: 'record:forged', listener: (...args: ObservedCoordinatorEvents['record:forged']) => void): unknown;
  off(event: 'ack:sent', listener: (...args: ObservedCoordinatorEvents['ack:sent']) => void): unknown;
  off(event: 'heartbeat', listener: (...args: ObservedCoordinatorEvents['heartbeat']) => void): unknown;
  off(event: 'heartbeat:failed', listener: (...args: ObservedCoordinatorEvents['heartbeat:failed']) => void): unknown;
  off(event: 'wait:ended', listener: (...args: ObservedCoordinatorEvents['wait:ended']) => void): unknown;
}

/** The overloads above, as one signature for a loop over them. */
type AnyEmitter = { on(event: string, listener: (...args: never[]) => void): unknown; off(event: string, listener: (...args: never[]) => void): unknown };

type Listeners = { [K in keyof ObservedCoordinatorEvents]: (...args: ObservedCoordinatorEvents[K]) => void };

/**
 * Counts a coordinator's work from its events. Events, not its getMetrics() counters read at a
 * scrape: the counters have no signal type, the histograms need each wait and delivery, and a
 * coordinator emits these only while a listener is attached (no timing, no allocation without
 * metrics). The labelled children a hot path uses are resolved once per label value, not per event.
 * Unobserving removes the listeners; what was counted stays (counters never go down).
 */
export function observeCoordinator(metrics: MetricSet, coordinator: ObservableCoordinator, coordinatorLabel: boolean): () => void {
  const base: Record<string, string> = coordinatorLabel ? { swarm: coordinator.swarmId, coordinator: coordinator.id } : { swarm: coordinator.swarmId };
  const child = <M extends LeanCounter | LeanHistogram>(metric: M, extra: Record<string, string>) => metric.labels({ ...base, ...extra }) as ReturnType<M['labels']>;
  const cached = <T>(make: (label: string) => T) => {
    const children = new Map<string, T>();
    return (label: string): T => {
      let found = children.get(label);
      if (found === undefined) children.set(label, (found = make(label)));
      return found;
    };
  };
  const sent = cached((type) => child(metrics.signalsSent, { type }));
  const received = cached((type) => child(metrics.signalsReceived, { type }));
  const latency = cached((type) => child(metrics.signalDeliveryLatency, { type }));
  const duplicates = child(metrics.signalsDuplicate, {});
  const acksSent = child(metrics.acksSent, {});
  const acksReceived = child(metrics.acksReceived, {});
  const heartbeats = child(metrics.heartbeats, {});
  // Resolved at observe time: a wait's end is one property read and one observe.
  const waits = {
    signal: { completed: child(metrics.blockingDuration, { kind: 'signal', outcome: 'completed' }), timeout: child(metrics.blockingDuration, { kind: 'signal', outcome: 'timeout' }), aborted: child(metrics.blockingDuration, { kind: 'signal', outcome: 'aborted' }) },
    acks: { completed: child(metrics.blockingDuration, { kind: 'acks', outcome: 'completed' }), timeout: child(metrics.blockingDuration, { kind: 'acks', outcome: 'timeout' }), aborted: child(metrics.blockingDuration, { kind: 'acks', outcome: 'aborted' }) },
  };

  const listeners: Listeners = {
    'signal:sent': (event) => {
      if (event?.isDuplicate) duplicates.inc();
      else sent(signalTypeLabel(event?.type)).inc();
    },
    'signal:received': (signal, delivery) => {
      const type = signalTypeLabel(signal?.type);
      received(type).inc();
      const seconds = secondsOf(delivery?.latencyMs);
      if (seconds !== undefined) latency(type).observe(seconds);
    },
    'message:rejected': (event) => {
      const metric = event?.kind === 'ack' ? metrics.acksRejected : metrics.signalsRejected;
      metric.inc({ ...base, reason: rejectionReasonLabel(event?.reason) });
    },
    'record:forged': () => metrics.forgedRecords.inc(base),
    'ack:sent': () => acksSent.inc(),
    heartbeat: () => heartbeats.inc(),
    'heartbeat:failed': (error) => metrics.heartbeatFailures.inc({ ...base, reason: heartbeatFailureLabel(error) }),
    'wait:ended': (event) => {
      const kind = event?.kind === 'acks' ? 'acks' : 'signal';
      const outcome = event?.outcome === 'completed' || event?.outcome === 'timeout' ? event.outcome : 'aborted';
      const seconds = secondsOf(event?.durationMs);
      if (seconds !== undefined) waits[kind][outcome].observe(seconds);
      if (outcome === 'timeout') metrics.timeoutEvents.inc({ ...base, kind: kind === 'acks' ? 'ack_wait' : 'blocking' });
      if (kind === 'acks') {
        const count = countOf(event.received);
        if (count > 0) acksReceived.inc(count);
      }
    },
  };
  const names = Object.keys(listeners) as (keyof Listeners)[];
  const emitter = coordinator as unknown as AnyEmitter; // each listener matches its event's overload above
  for (const name of names) emitter.on(name, listeners[name]);
  return () => {
    for (const name of names) emitter.off(name, listeners[name]);
  };
}
