import { percentile } from '../stats.js';
import { below, type Row } from '../figures.js';
import { runCleanup } from '../scenarios/cleanup.js';
import { runEscalation } from '../scenarios/escalation.js';
import { runFailover } from '../scenarios/failover.js';
import type { BenchEnv } from './context.js';

/** Row 6: leader failover after SIGKILL with a 1 s lease, and a dead coordinator's detection-to-escalation. */
export async function supervisionRow(env: BenchEnv): Promise<Row> {
  const counts = env.profile.failover;
  env.log(`  6 supervision: ${counts.failovers} leader failovers among ${counts.workers} worker processes, ${counts.leaseMs} ms lease ...`);
  const { samplesMs } = await runFailover(env.store, env.url, env.secret, `bench-${process.pid}-failover`, counts);
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const escalationCounts = { rounds: 3, deadThresholdMs: 1_000, checkIntervalMs: 100, maxWarnings: 3 };
  env.log(`  6 supervision: ${escalationCounts.rounds} agent processes killed, dead threshold ${escalationCounts.deadThresholdMs} ms, checks every ${escalationCounts.checkIntervalMs} ms, ${escalationCounts.maxWarnings} warnings ...`);
  const escalation = await runEscalation(env.url, env.secret, escalationCounts);
  const escalationSorted = [...escalation.samplesMs].sort((a, b) => a - b);
  return {
    id: '6',
    key: 'supervision',
    title: `supervision (${counts.leaseMs / 1_000} s lease, ${samplesMs.length} failovers)`,
    figures: [
      { metric: 'failover p50', unit: 'ms', ours: percentile(sorted, 50) },
      { metric: 'failover max', unit: 'ms', ours: sorted[sorted.length - 1] ?? Number.NaN },
      { metric: 'kill to escalation p50', unit: 'ms', ours: percentile(escalationSorted, 50) },
      { metric: 'kill to escalation max', unit: 'ms', ours: escalationSorted[escalationSorted.length - 1] ?? Number.NaN },
    ],
    samples: { ours: samplesMs },
    details: { ...counts, escalation: { ...escalationCounts, samplesMs: escalation.samplesMs } },
  };
}

/** Row 7: cleanup of 10,000 stale plus 10 live coordinators (no BullMQ column). */
export async function cleanupRow(env: BenchEnv): Promise<Row> {
  const counts = env.profile.cleanup;
  env.log(`  7 cleanup: ${counts.stale} stale + ${counts.live} live coordinators ...`);
  const result = await runCleanup(env.url, env.secret, counts);
  if (result.stale !== counts.stale || result.liveIntact !== counts.live) {
    throw new Error(`cleanup found ${result.stale}/${counts.stale} stale and left ${result.liveIntact}/${counts.live} live coordinators intact`);
  }
  return {
    id: '7',
    key: 'cleanup',
    title: `cleanup, ${counts.stale.toLocaleString('en-US')} stale + ${counts.live} live coordinators`,
    figures: [{ metric: 'cleanupStaleState', unit: 'ms', ours: result.durationMs, target: below(2_000, 'ms') }],
    details: { ...counts, ...result },
  };
}
