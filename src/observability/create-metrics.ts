import { register as defaultRegistry, type Registry } from 'prom-client';
import { InvalidConfigError } from '../protocol/errors.js';
import { Collectors, createMetricSet } from './metric-set.js';
import { observeCleanup, type ObservedCleanupFailure, type ObservedCleanupReport } from './observe-cleanup.js';
import { observeCoordinator, type ObservableCoordinator } from './observe-coordinator.js';
import { ElectionObservers, type ObservableElection } from './observe-election.js';
import { observeStore, type ObservableStore } from './observe-store.js';
import { observeSupervisor, type ObservableSupervisor } from './observe-supervisor.js';
import { observeWorkflow, type ObservableWorkflow } from './observe-workflow.js';

export interface MetricsOptions {
  /** Where the metrics are registered. Default: prom-client's default registry. */
  registry?: Registry;
  /**
   * Adds a `coordinator` label to the metrics coordinators feed: one series per coordinator, so
   * off by default (a fleet's ids are unbounded). Default false.
   */
  coordinatorLabel?: boolean;
}

/** Rendezvous' metrics in one registry; each observe starts recording a component and returns the function that stops it. */
export interface RendezvousMetrics {
  readonly registry: Registry;
  readonly coordinatorLabel: boolean;
  /** Records a coordinator's sends, receipts, ACKs, waits, heartbeats and rejections. */
  observeCoordinator(coordinator: ObservableCoordinator): () => void;
  /** Records a supervisor's checks, warnings, escalations, replacements, caps and (while it leads) the per-swarm gauges. */
  observeSupervisor(supervisor: ObservableSupervisor): () => void;
  /** Records a GlobalCoordinator's leader, epoch, leadership and integrity counts. */
  observeElection(election: ObservableElection): () => void;
  /** Records a store's operation latencies and errors, circuit breaker and signs of lost state. */
  observeStore(store: ObservableStore): () => void;
  /** Records a ProductOwner's consensus rounds (by decision, their duration, missing validators) and loops. */
  observeWorkflow(owner: ObservableWorkflow): () => void;
  /** Counts one cleanup run (a CleanupReport, or `{ dryRun, error }` for a run that threw). Returns a no-op: a report is counted once. */
  observeCleanup(report: ObservedCleanupReport | ObservedCleanupFailure): () => void;
}

/** One RendezvousMetrics per registry: a second createMetrics on it gets the same one (metric names are unique in a registry). */
const byRegistry = new WeakMap<Registry, RendezvousMetrics>();

/**
 * Creates (or returns) the metrics of a registry. Nothing is recorded until a component is
 * observed, and an unobserved component has no listener attached and times nothing. The library
 * never registers prom-client's default process metrics: that is the application's choice.
 */
export function createMetrics(options: MetricsOptions = {}): RendezvousMetrics {
  const registry = options.registry ?? defaultRegistry;
  const coordinatorLabel = options.coordinatorLabel ?? false;
  if (typeof coordinatorLabel !== 'boolean') throw new InvalidConfigError(`coordinatorLabel must be a boolean, got ${String(coordinatorLabel)}`);
  const existing = byRegistry.get(registry);
  if (existing) {
    if (existing.coordinatorLabel !== coordinatorLabel) throw new InvalidConfigError(`this registry's Rendezvous metrics were created with coordinatorLabel: ${existing.coordinatorLabel}`);
    return existing;
  }
  const collectors = new Collectors();
  /** What is observed now, with its unobserve: observing it again counts nothing twice. */
  const observed = new WeakMap<object, () => void>();
  const once = <C extends object>(what: string, component: C, methods: readonly string[], observe: (component: C) => () => void): (() => void) => {
    if (component === null || typeof component !== 'object' || methods.some((m) => typeof Reflect.get(component, m) !== 'function')) {
      throw new InvalidConfigError(`${what} must be an object with ${methods.join(', ')}() (a Rendezvous component)`);
    }
    const current = observed.get(component);
    if (current) return current;
    let stop: (() => void) | undefined = observe(component);
    const unobserve = () => {
      if (!stop) return;
      stop();
      stop = undefined;
      observed.delete(component);
    };
    observed.set(component, unobserve);
    return unobserve;
  };
  const metrics = createMetricSet(registry, coordinatorLabel, collectors);
  const elections = new ElectionObservers(metrics, collectors);
  const created: RendezvousMetrics = {
    registry,
    coordinatorLabel,
    observeCoordinator: (coordinator) => once('coordinator', coordinator, ['on', 'off'], (c) => observeCoordinator(metrics, c, coordinatorLabel)),
    observeSupervisor: (supervisor) => once('supervisor', supervisor, ['on', 'off', 'getMetrics'], (s) => observeSupervisor(metrics, collectors, s, coordinatorLabel)),
    observeElection: (election) => once('election', election, ['on', 'off', 'getMetrics', 'isLeader', 'getEpoch', 'getKnownLeader'], (e) => elections.observe(collectors, e)),
    observeStore: (store) => once('store', store, ['observeOperations'], (s) => observeStore(metrics, collectors, s)),
    observeWorkflow: (owner) => once('product owner', owner, ['on', 'off', 'runRound'], (o) => observeWorkflow(metrics, o)),
    observeCleanup: (report) => {
      observeCleanup(metrics, report);
      return () => undefined;
    },
  };
  byRegistry.set(registry, created);
  return created;
}
