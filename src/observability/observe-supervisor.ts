import type { Collectors, MetricSet } from './metric-set.js';
import { countOf, secondsOf } from './labels.js';

/** The coordinator a supervisor event is about. */
export interface ObservedCoordinatorRef {
  coordinatorId: string;
  swarmId: string;
}

/** One swarm's coordinators as a check judged them. */
export interface ObservedSwarmCounts {
  swarmId: string;
  alive: number;
  warned: number;
  dead: number;
}

/** The supervisor events the metrics listen to, by the fields they read (structural: a CoordinatorTimeoutHandler has them). */
export interface ObservedSupervisorEvents {
  'coordinator:warning': [event: ObservedCoordinatorRef];
  'coordinator:recovered': [event: ObservedCoordinatorRef];
  'coordinator:timeout': [event: ObservedCoordinatorRef];
  'coordinator:escalated': [event: ObservedCoordinatorRef];
  'escalation:failed': [event: ObservedCoordinatorRef];
  'deadlock:detected': [event: { swarmId: string }];
  'replacement:spawned': [event: ObservedCoordinatorRef];
  'check:ended': [event: { durationMs: number; completed: boolean; swarms: readonly ObservedSwarmCounts[] }];
  'leadership:changed': [event: { isLeader: boolean }];
}

/** The counts of a supervisor's getMetrics() the metrics read. */
export interface ObservedSupervisorCounts {
  escalationsCapped: number;
  spawnsCapped: number;
  rejectedRegistryEntries: number;
  rejectedRecords: number;
}

/** What observeSupervisor needs of a CoordinatorTimeoutHandler (one overload per event, so an EventEmitter with a typed event map matches). */
export interface ObservableSupervisor {
  getMetrics(): ObservedSupervisorCounts;
  on(event: 'coordinator:warning', listener: (...args: ObservedSupervisorEvents['coordinator:warning']) => void): unknown;
  on(event: 'coordinator:recovered', listener: (...args: ObservedSupervisorEvents['coordinator:recovered']) => void): unknown;
  on(event: 'coordinator:timeout', listener: (...args: ObservedSupervisorEvents['coordinator:timeout']) => void): unknown;
  on(event: 'coordinator:escalated', listener: (...args: ObservedSupervisorEvents['coordinator:escalated']) => void): unknown;
  on(event: 'escalation:failed', listener: (...args: ObservedSupervisorEvents['escalation:failed']) => void): unknown;
  on(event: 'deadlock:detected', listener: (...args: ObservedSupervisorEvents['deadlock:detected']) => void): unknown;
  on(event: 'replacement:spawned', listener: (...args: ObservedSupervisorEvents['replacement:spawned']) => void): unknown;
  on(event: 'check:ended', listener: (...args: ObservedSupervisorEvents['check:ended']) => void): unknown;
  on(event: 'leadership:changed', listener: (...args: ObservedSupervisorEvents['leadership:changed']) => void): unknown;
  off(event: 'coordinator:warning', listener: (...args: ObservedSupervisorEvents['coordinator:warning']) => void): unknown;
  off(event: 'coordinator:recovered', listener: (...args: ObservedSupervisorEvents['coordinator:recovered']) => void): unknown;
  off(event: 'coordinator:timeout', listener: (...args: ObservedSupervisorEvents['coordinator:timeout']) => void): unknown;
  off(event: 'coordinator:escalated', listener: (...args: ObservedSupervisorEvents['coordinator:escalated']) => void): unknown;
  off(event: 'escalation:failed', listener: (...args: ObservedSupervisorEvents['escalation:failed']) => void): unknown;
  off(event: 'deadlock:detected', listener: (...args: ObservedSupervisorEvents['deadlock:detected']) => void): unknown;
  off(event: 'replacement:spawned', listener: (...args: ObservedSupervisorEvents['replacement:spawned']) => void): unknown;
  off(event: 'check:ended', listener: (...args: ObservedSupervisorEvents['check:ended']) => void): unknown;
  off(event: 'leadership:changed', listener: (...args: ObservedSupervisorEvents['leadership:changed']) => void): unknown;
}

/** The overloads above, as one signature for a loop over them. */
type AnyEmitter = { on(event: string, listener: (...args: never[]) => void): unknown; off(event: string, listener: (...args: never[]) => void): unknown };

type Listeners = { [K in keyof ObservedSupervisorEvents]: (...args: ObservedSupervisorEvents[K]) => void };

const COUNTED = [
  ['escalationsCapped', 'supervisorCapped', { action: 'escalation' }],
  ['spawnsCapped', 'supervisorCapped', { action: 'spawn' }],
  ['rejectedRegistryEntries', 'supervisorRejected', { kind: 'registry' }],
  ['rejectedRecords', 'supervisorRejected', { kind: 'record' }],
] as const;

const STATES = ['alive', 'warned', 'dead'] as const;

/**
 * A supervisor's metrics: its events (warnings, escalations, checks ...) counted as they come; the
 * per-swarm gauges set from each check (only the leader checks) and removed when it stops leading
 * or is unobserved; caps and rejections read from getMetrics() at each scrape.
 */
export function observeSupervisor(metrics: MetricSet, collectors: Collectors, supervisor: ObservableSupervisor, coordinatorLabel: boolean): () => void {
  const swarmOf = (event: { swarmId?: unknown } | undefined) => String(event?.swarmId);
  // timeout_events_total has a coordinator label when it is on: the dead coordinator's.
  const about = (event: ObservedCoordinatorRef | undefined) => (coordinatorLabel ? { swarm: swarmOf(event), coordinator: String(event?.coordinatorId) } : { swarm: swarmOf(event) });
  /** The swarms whose gauges this supervisor set. */
  const gauged = new Set<string>();
  const clearSwarm = (swarm: string) => {
    metrics.activeCoordinators.remove({ swarm });
    for (const state of STATES) metrics.coordinators.remove({ swarm, state });
    gauged.delete(swarm);
  };
  const clearAll = () => {
    for (const swarm of [...gauged]) clearSwarm(swarm);
  };

  const listeners: Listeners = {
    'coordinator:warning': (event) => metrics.warnings.inc({ swarm: swarmOf(event) }),
    'coordinator:recovered': (event) => metrics.recoveries.inc({ swarm: swarmOf(event) }),
    'coordinator:timeout': (event) => metrics.timeoutEvents.inc({ ...about(event), kind: 'coordinator_dead' }),
    'coordinator:escalated': (event) => metrics.escalations.inc({ swarm: swarmOf(event) }),
    'escalation:failed': (event) => metrics.escalationFailures.inc({ swarm: swarmOf(event) }),
    'deadlock:detected': (event) => metrics.deadlocks.inc({ swarm: swarmOf(event) }),
    'replacement:spawned': (event) => metrics.replacements.inc({ swarm: swarmOf(event) }),
    'check:ended': (event) => {
      metrics.supervisorChecks.inc();
      const seconds = secondsOf(event?.durationMs);
      if (seconds !== undefined) metrics.supervisorCheckDuration.observe(seconds);
      const seen = new Set<string>();
      for (const counts of Array.isArray(event?.swarms) ? event.swarms : []) {
        const swarm = String(counts?.swarmId);
        seen.add(swarm);
        gauged.add(swarm);
        metrics.activeCoordinators.set({ swarm }, countOf(counts.alive));
        for (const state of STATES) metrics.coordinators.set({ swarm, state }, countOf(counts[state]));
      }
      // A whole check saw every swarm: one it no longer lists is gone (a partial one says nothing of the rest).
      if (event?.completed) for (const swarm of [...gauged]) if (!seen.has(swarm)) clearSwarm(swarm);
    },
    'leadership:changed': (event) => {
      if (!event?.isLeader) clearAll(); // only the leader's view is exported: a follower's would be stale
    },
  };
  const names = Object.keys(listeners) as (keyof Listeners)[];
  const emitter = supervisor as unknown as AnyEmitter; // each listener matches its event's overload above
  for (const name of names) emitter.on(name, listeners[name]);

  const counted: Record<(typeof COUNTED)[number][0], number> = { escalationsCapped: 0, spawnsCapped: 0, rejectedRegistryEntries: 0, rejectedRecords: 0 };
  const collectCounts = () => {
    let now: Partial<ObservedSupervisorCounts>;
    try {
      now = supervisor.getMetrics() ?? {};
    } catch {
      return;
    }
    for (const [field, key, labels] of COUNTED) {
      const value = countOf(now[field]);
      metrics[key].inc(labels, Math.max(0, value - counted[field]));
      counted[field] = Math.max(counted[field], value);
    }
  };
  const stopCollecting = collectors.add(['supervisorCapped', 'supervisorRejected'], collectCounts);

  return () => {
    for (const name of names) emitter.off(name, listeners[name]);
    collectCounts();
    stopCollecting();
    clearAll();
  };
}
