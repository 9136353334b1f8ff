import { collectDefaultMetrics, Counter, Registry } from 'prom-client';
import type { Store } from '../store/port.js';
import type { GlobalCoordinator } from '../supervision/global-coordinator.js';
import type { CoordinatorTimeoutHandler } from '../supervision/timeout-handler.js';
import type { CleanupReport } from '../supervision/cleanup.js';

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
  /** Subscribes to each cleanup report of the scheduled job (and of POST /api/cleanup); returns the unsubscribe. */
  onCleanup(listener: (report: CleanupReport) => void): () => void;
}

/**
 * The one place the library's instrumentation joins the daemon's registry: today nothing (the
 * metrics library is built beside this daemon). Once it is merged:
 *   const metrics = createMetrics({ registry });
 *   const stops = [metrics.observeStore(c.store), metrics.observeSupervisor(c.supervisor),
 *                  metrics.observeElection(c.election), c.onCleanup((r) => metrics.observeCleanup(r))];
 *   return () => stops.forEach((stop) => stop());
 * Returns what undoes it (called at shutdown).
 */
export function observeComponents(_registry: Registry, _components: ObservedComponents): () => void {
  return () => undefined;
}
