import { collectDefaultMetrics, Counter, Registry } from 'prom-client';
import type { Store } from '../store/port.js';
import type { GlobalCoordinator } from '../supervision/global-coordinator.js';
import type { CoordinatorTimeoutHandler } from '../supervision/timeout-handler.js';
import { createMetrics } from '../observability/create-metrics.js';
import type { CleanupJob } from './cleanup-job.js';

/** The daemon's own metrics, beside the library's. */
export interface DaemonMetrics {
  registry: Registry;
  httpRequests: Counter<'route' | 'method' | 'status'>;
  sseDropped: Counter;
}

/** The daemon's registry: prom-client's default process metrics and the daemon's HTTP counters. */
export function createDaemonMetrics(): DaemonMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // prom-client names three gauges `nodejs_active_*_total`; `promtool check metrics` rejects a
  // `_total` that is no counter, and the scrape must pass it: those three are left out.
  for (const metric of registry.getMetricsAsArray()) {
    if (metric.name.endsWith('_total') && !(metric instanceof Counter)) registry.removeSingleMetric(metric.name);
  }
  const httpRequests = new Counter({
    name: 'rendezvous_http_requests_total',
    help: 'HTTP requests the daemon answered, by route template (never a raw path), method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const sseDropped = new Counter({ name: 'rendezvous_sse_clients_dropped_total', help: 'Event stream clients dropped because they fell behind.', registers: [registry] });
  return { registry, httpRequests, sseDropped };
}

/** What the library's metrics observe in the daemon. */
export interface ObservedComponents {
  store: Store;
  supervisor: CoordinatorTimeoutHandler;
  election: GlobalCoordinator;
  cleanup: CleanupJob;
}

/**
 * The library's instrumentation on the daemon's registry: the store (operations, breaker, lost
 * state), the supervisor (checks, warnings, escalations, active_coordinators), the election
 * (leader, epoch) and every cleanup run, scheduled or asked for. Returns what undoes it (at shutdown).
 */
export function observeComponents(registry: Registry, components: ObservedComponents): () => void {
  const metrics = createMetrics({ registry });
  const stops = [
    metrics.observeStore(components.store),
    metrics.observeSupervisor(components.supervisor),
    metrics.observeElection(components.election),
    components.cleanup.onReport((report) => metrics.observeCleanup(report)),
    components.cleanup.onFailure((failure) => metrics.observeCleanup(failure)),
  ];
  return () => stops.forEach((stop) => stop());
}
