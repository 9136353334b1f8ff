import { below, type Row } from '../figures.js';
import { percentile } from '../stats.js';
import { runSupervisorCheck } from '../scenarios/supervisor-check.js';
import type { BenchEnv } from './context.js';

/**
 * Row 10: one supervisor check over 10,000 registered coordinators in one swarm (target under 1 s),
 * alive and all silent; and the daemon's read model of that swarm (GET /api/coordinators).
 */
export async function supervisorCheckRow(env: BenchEnv): Promise<Row> {
  const counts = env.profile.supervisorCheck;
  env.log(`  10 supervisor check: ${counts.coordinators.toLocaleString('en-US')} coordinators in one swarm, ${counts.checks} checks alive, ${counts.checks} all silent ...`);
  const alive = await runSupervisorCheck(env.url, env.secret, counts);
  const silent = await runSupervisorCheck(env.url, env.secret, { ...counts, silent: true });
  const sorted = (values: readonly number[]) => [...values].sort((a, b) => a - b);
  return {
    id: '10',
    key: 'supervisor-check',
    title: `supervisor check, ${counts.coordinators.toLocaleString('en-US')} coordinators in one swarm`,
    figures: [
      { metric: 'check p50, alive', unit: 'ms', ours: percentile(sorted(alive.checkMs), 50), target: below(1_000, 'ms') },
      { metric: 'check max, alive', unit: 'ms', ours: Math.max(...alive.checkMs) },
      { metric: 'check p50, all silent (each warned)', unit: 'ms', ours: percentile(sorted(silent.checkMs), 50), target: below(1_000, 'ms') },
      { metric: 'read model p50 (/api/coordinators)', unit: 'ms', ours: percentile(sorted(alive.readMs), 50) },
    ],
    samples: { ours: [...alive.checkMs, ...silent.checkMs] },
    details: { ...counts, alive, silent },
  };
}

/**
 * Row 11: a `/metrics` scrape of the daemon's registry with 10,000 coordinators observed (target
 * under 50 ms). Waits for the library's metrics (createMetrics, src/observability/): once merged,
 * build the registry as src/server/metrics.ts does (createDaemonMetrics + observeComponents) with
 * the row-10 swarm, let one check set the gauges, and time `registry.metrics()` N times here.
 */
export async function metricsScrapeRow(_env: BenchEnv): Promise<Row> {
  return {
    id: '11',
    key: 'metrics-scrape',
    title: '/metrics scrape, 10,000 coordinators',
    figures: [],
    pending: ['waits for the metrics library (createMetrics): scaffolding in bench/rows/operator.ts'],
  };
}
