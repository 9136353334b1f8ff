import { below, type Row } from '../figures.js';
import { percentile } from '../stats.js';
import { runSupervisorCheck } from '../scenarios/supervisor-check.js';
import type { BenchEnv } from './context.js';

/**
 * Row 10: one supervisor check over 10,000 registered coordinators in one swarm (target under 1 s),
 * alive and all silent; and the daemon's read model of that swarm (GET /api/coordinators).
 * Row 11: the daemon's `/metrics` text after those checks (target under 50 ms): its registry as
 * src/server/metrics.ts builds it, the library's metrics observing the store and the supervisor.
 */
export async function operatorRows(env: BenchEnv): Promise<Row[]> {
  const counts = env.profile.supervisorCheck;
  const scrapes = 20;
  env.log(`  10-11 supervisor check and scrape: ${counts.coordinators.toLocaleString('en-US')} coordinators in one swarm, ${counts.checks} checks alive, ${counts.checks} all silent, ${scrapes} scrapes ...`);
  const alive = await runSupervisorCheck(env.url, env.secret, { ...counts, scrapes });
  const silent = await runSupervisorCheck(env.url, env.secret, { ...counts, silent: true });
  const sorted = (values: readonly number[]) => [...values].sort((a, b) => a - b);
  const { scrapeMs, scrapeBytes, ...checks } = alive;
  return [
    {
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
      details: { ...counts, alive: checks, silent },
    },
    {
      id: '11',
      key: 'metrics-scrape',
      title: `/metrics scrape, ${counts.coordinators.toLocaleString('en-US')} coordinators supervised`,
      figures: [
        { metric: 'scrape p50', unit: 'ms', ours: percentile(sorted(scrapeMs), 50), target: below(50, 'ms') },
        { metric: 'scrape max', unit: 'ms', ours: Math.max(...scrapeMs) },
        { metric: 'scrape size', unit: 'KB', ours: scrapeBytes / 1024 },
      ],
      samples: { ours: scrapeMs },
      details: { scrapes, scrapeMs, scrapeBytes },
    },
  ];
}
