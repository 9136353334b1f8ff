import { Redis } from 'ioredis';
import { CoordinatorTimeoutHandler, createStore, keys } from '../../src/index.js';
import { createMetrics } from '../../src/observability/create-metrics.js';
import { createDaemonMetrics } from '../../src/server/metrics.js';
import { readSwarm } from '../../src/server/read-model/swarm-reader.js';
import { seedCoordinatorState } from '../../test/support/coordinator-state.js';

export interface SupervisorCheckCounts {
  coordinators: number;
  /** Checks timed (after the first, which the election runs at once). */
  checks: number;
  /** Every coordinator silent past the dead threshold (each check warns all of them), instead of alive. */
  silent?: boolean;
  /** Scrapes of the daemon's registry to time after the checks (0: no metrics observed at all). */
  scrapes?: number;
}

export interface SupervisorCheckResult {
  /** Each forced check's own duration (the handler's summary), ms. */
  checkMs: number[];
  /** Each read of the swarm as GET /api/coordinators builds it, ms. */
  readMs: number[];
  coordinators: number;
  /** Each `/metrics` text built from the daemon's registry (library metrics observing the check), ms. */
  scrapeMs: number[];
  scrapeBytes: number;
}

/**
 * The supervisor's check over one swarm of `coordinators` registered coordinators, alive (fresh
 * heartbeats, as a healthy fleet between checks), in a database of its own on the private
 * server; then the daemon's read model of the same swarm.
 */
export async function runSupervisorCheck(url: string, secret: string, counts: SupervisorCheckCounts): Promise<SupervisorCheckResult> {
  const dbUrl = `${url}/2`;
  const raw = new Redis(dbUrl);
  const store = await createStore({ url: dbUrl });
  const swarm = `bench-${process.pid}-check`;
  const handler = new CoordinatorTimeoutHandler({ store, checkIntervalMs: 3_600_000, maxWarnings: 1_000_000, namespace: `bench-${process.pid}-sup`, election: { secret }, env: {} });
  // The daemon's registry as src/server/metrics.ts fills it: process metrics, HTTP, and the library's.
  const daemonMetrics = counts.scrapes ? createDaemonMetrics() : undefined;
  const unobserve: (() => void)[] = [];
  try {
    if (daemonMetrics) {
      const metrics = createMetrics({ registry: daemonMetrics.registry });
      unobserve.push(metrics.observeStore(store), metrics.observeSupervisor(handler));
    }
    const [seconds] = await raw.time();
    // A heartbeat a minute in the future stays fresh for the whole run, whatever it costs.
    // (Silent: ten minutes old, past the default threshold, with escalation off so every check warns all.)
    const at = Number(seconds) * 1_000 + (counts.silent ? -600_000 : 60_000);
    for (let from = 0; from < counts.coordinators; from += 1_000) {
      const pipeline = raw.pipeline();
      for (let i = from; i < Math.min(counts.coordinators, from + 1_000); i += 1) seedCoordinatorState(pipeline, swarm, `c-${i}`, at, 'working');
      pipeline.sadd(keys.swarms(), swarm);
      await pipeline.exec();
    }
    await handler.start();
    const checkMs: number[] = [];
    const readMs: number[] = [];
    let seen = 0;
    for (let i = 0; i < counts.checks; i += 1) {
      const summary = await handler.checkNow();
      checkMs.push(summary.durationMs);
      seen = summary.coordinators;
      const started = performance.now();
      const view = await readSwarm(store, swarm, await store.time(), { deadThresholdMs: 120_000 });
      readMs.push(performance.now() - started);
      if (view.coordinators.length !== counts.coordinators) throw new Error(`read model saw ${view.coordinators.length} of ${counts.coordinators}`);
    }
    const scrapeMs: number[] = [];
    let scrapeBytes = 0;
    for (let i = 0; i < (counts.scrapes ?? 0); i += 1) {
      const started = performance.now();
      const text = await daemonMetrics!.registry.metrics();
      scrapeMs.push(performance.now() - started);
      scrapeBytes = Buffer.byteLength(text);
      if (!text.includes(`active_coordinators{swarm="${swarm}"} ${counts.silent ? 0 : counts.coordinators}`)) throw new Error('the scrape lacks the swarm\'s active_coordinators');
    }
    return { checkMs, readMs, coordinators: seen, scrapeMs, scrapeBytes };
  } finally {
    for (const stop of unobserve) stop();
    await handler.stop();
    await raw.flushdb().catch(() => undefined);
    raw.disconnect();
    await store.close();
  }
}
