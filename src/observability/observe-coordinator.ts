import { CoordinatorCounts } from './coordinator-counts.js';
import type { MetricSet } from './metric-set.js';

/**
 * The coordinator events the metrics listen to, by the fields they read (structural: this layer
 * does not import core/). A BlockingCoordinator has them.
 */
export interface ObservedCoordinatorEvents {
  'signal:sent': [event: { type: string; isDuplicate: boolean }];
  'signal:received': [signal: { type: string }, delivery: { latencyMs: number } | undefined];
  'message:rejected': [event: { kind: 'signal' | 'ack'; reason: string }];
  'record:forged': [event: unknown];
  'held:limit': [event: { held: string }];
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
  on(event: 'held:limit', listener: (...args: ObservedCoordinatorEvents['held:limit']) => void): unknown;
  on(event: 'ack:sent', listener: (...args: ObservedCoordinatorEvents['ack:sent']) => void): unknown;
  on(event: 'heartbeat', listener: (...args: ObservedCoordinatorEvents['heartbeat']) => void): unknown;
  on(event: 'heartbeat:failed', listener: (...args: ObservedCoordinatorEvents['heartbeat:failed']) => void): unknown;
  on(event: 'wait:ended', listener: (...args: ObservedCoordinatorEvents['wait:ended']) => void): unknown;
  off(event: 'signal:sent', listener: (...args: ObservedCoordinatorEvents['signal:sent']) => void): unknown;
  off(event: 'signal:received', listener: (...args: ObservedCoordinatorEvents['signal:received']) => void): unknown;
  off(event: 'message:rejected', listener: (...args: ObservedCoordinatorEvents['message:rejected']) => void): unknown;
  off(event: 'record:forged', listener: (...args: ObservedCoordinatorEvents['record:forged']) => void): unknown;
  off(event: 'held:limit', listener: (...args: ObservedCoordinatorEvents['held:limit']) => void): unknown;
  off(event: 'ack:sent', listener: (...args: ObservedCoordinatorEvents['ack:sent']) => void): unknown;
  off(event: 'heartbeat', listener: (...args: ObservedCoordinatorEvents['heartbeat']) => void): unknown;
  off(event: 'heartbeat:failed', listener: (...args: ObservedCoordinatorEvents['heartbeat:failed']) => void): unknown;
  off(event: 'wait:ended', listener: (...args: ObservedCoordinatorEvents['wait:ended']) => void): unknown;
}

/** The overloads above, as one signature for a loop over them. */
type AnyEmitter = { on(event: string, listener: (...args: never[]) => void): unknown; off(event: string, listener: (...args: never[]) => void): unknown };

type Listeners = { [K in keyof ObservedCoordinatorEvents]: (...args: ObservedCoordinatorEvents[K]) => void };

/**
 * The key of a BlockingCoordinator's method that attaches a recorder (core/coordinator-recorder.ts,
 * the same registered symbol): called with a CoordinatorCounts, it returns what detaches it.
 */
const ATTACH_RECORDER = Symbol.for('rendezvous.coordinator.attachRecorder');

/**
 * Counts a coordinator's work. A BlockingCoordinator is recorded directly: it calls the counts at
 * each point it would emit the matching event, with plain values (no event object, closure or
 * emitter per send, receipt or wait: issue 13's hot path), and its events are left to the
 * application. Anything else with these events (the structural ObservableCoordinator) is counted
 * from them, by the same code. Not its getMetrics() counters read at a scrape: they have no signal
 * type, and the histograms need each wait and delivery. Unobserving detaches; what was counted
 * stays (counters never go down).
 */
export function observeCoordinator(metrics: MetricSet, coordinator: ObservableCoordinator, coordinatorLabel: boolean): () => void {
  const base: Record<string, string> = coordinatorLabel ? { swarm: coordinator.swarmId, coordinator: coordinator.id } : { swarm: coordinator.swarmId };
  const counts = new CoordinatorCounts(metrics, base);
  const attach: unknown = Reflect.get(coordinator, ATTACH_RECORDER);
  if (typeof attach === 'function') return (attach as (recorder: CoordinatorCounts) => () => void).call(coordinator, counts);
  const listeners: Listeners = {
    'signal:sent': (event) => counts.signalSent(event?.type, event?.isDuplicate),
    'signal:received': (signal, delivery) => counts.signalReceived(signal?.type, delivery?.latencyMs),
    'message:rejected': (event) => counts.rejected(event?.kind, event?.reason),
    'record:forged': () => counts.forgedRecord(),
    'held:limit': (event) => counts.heldLimit(event?.held),
    'ack:sent': () => counts.ackSent(),
    heartbeat: () => counts.heartbeat(),
    'heartbeat:failed': (error) => counts.heartbeatFailed(error),
    'wait:ended': (event) => counts.waitEnded(event?.kind, event?.durationMs, event?.outcome, event?.received),
  };
  const names = Object.keys(listeners) as (keyof Listeners)[];
  const emitter = coordinator as unknown as AnyEmitter; // each listener matches its event's overload above
  for (const name of names) emitter.on(name, listeners[name]);
  return () => {
    for (const name of names) emitter.off(name, listeners[name]);
  };
}
