/**
 * Diagnostic: where the round trip's tail comes from. Sequential round trips (Rendezvous, metrics
 * off) alternate in blocks with the raw push round trip (bench/floor.ts: the same Redis traffic,
 * no library code) in one process; every sample keeps its start and end, and the process records
 * its garbage collections (PerformanceObserver 'gc') and event-loop delay (monitorEventLoopDelay)
 * meanwhile. It prints the latency histogram of both, then for the slow samples (over `slowUs`)
 * what overlapped them: a collection (by kind), or nothing this process saw (the other process:
 * Redis, or the machine's other work: the floor's own slow samples say how much of that there is).
 *
 *   npx tsx bench/tools/tail-round-trip.ts [measured per side] [slowUs] [--expose-gc-young=MB]
 *   node --max-semi-space-size=N --import tsx bench/tools/tail-round-trip.ts ...   # young generation size
 */
import '../quiet.js';
import { monitorEventLoopDelay, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { createStore } from '../../src/index.js';
import { startRedis } from '../../test/support/redis-server.js';
import type { Step } from '../alternate.js';
import { withFloor } from '../floor.js';
import { withRoundTrips } from '../scenarios/round-trip.js';
import { newSecret } from '../scenario.js';
import { percentile } from '../stats.js';

const measured = Number(process.argv[2] ?? 20_000);
const slowUs = Number(process.argv[3] ?? 1_000);
const BLOCKS = 20;
const WARMUP = 3_000;

interface Sample {
  startMs: number;
  endMs: number;
}
interface Gc {
  startMs: number;
  durationMs: number;
  kind: string;
}

const GC_KINDS: Record<number, string> = { 1: 'minor (scavenge)', 2: 'major (mark-compact)', 4: 'incremental marking', 8: 'weak callbacks' };

async function main(): Promise<void> {
  const gcs: Gc[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as (PerformanceEntry & { detail?: { kind?: number } })[]) {
      gcs.push({ startMs: entry.startTime, durationMs: entry.duration, kind: GC_KINDS[entry.detail?.kind ?? 0] ?? `kind ${entry.detail?.kind}` });
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  const server = await startRedis();
  const store = await createStore({ url: server.url });
  const sides: Record<'rendezvous' | 'floor', Sample[]> = { rendezvous: [], floor: [] };
  let timedFrom = 0;
  try {
    await withRoundTrips({ store, swarmId: 'tail', secret: newSecret(), counts: { warmup: 0, measured: 0 } }, (roundTrip) =>
      withFloor(server.url, async (floor) => {
        const steps: Record<'rendezvous' | 'floor', Step> = { rendezvous: roundTrip, floor: floor.pingFirst };
        let n = 0;
        for (const step of Object.values(steps)) for (let i = 0; i < WARMUP; i += 1) await step(n++);
        timedFrom = performance.now();
        loopDelay.enable();
        for (let block = 0; block < BLOCKS; block += 1) {
          for (const side of block % 2 === 0 ? (['rendezvous', 'floor'] as const) : (['floor', 'rendezvous'] as const)) {
            for (let i = 0; i < measured / BLOCKS; i += 1) {
              const startMs = performance.now();
              await steps[side](n++);
              sides[side].push({ startMs, endMs: performance.now() });
            }
          }
        }
        loopDelay.disable();
      }),
    );
  } finally {
    await store.close();
    await server.stop();
    observer.disconnect();
  }
  const timedGcs = gcs.filter((g) => g.startMs >= timedFrom);
  const edges = [200, 300, 500, 1_000, 2_000, 5_000, 10_000, Number.POSITIVE_INFINITY];
  console.log(`tail of the sequential round trip, ${measured} per side in ${BLOCKS} alternating blocks; slow = over ${slowUs} µs`);
  for (const [side, samples] of Object.entries(sides)) {
    const us = samples.map((s) => (s.endMs - s.startMs) * 1_000).sort((a, b) => a - b);
    const counts = edges.map((edge, i) => us.filter((x) => x >= (edges[i - 1] ?? 0) && x < edge).length);
    console.log(`\n${side}: p50 ${us[Math.floor(us.length / 2)]!.toFixed(0)} µs, p90 ${percentile(us, 90).toFixed(0)}, p99 ${percentile(us, 99).toFixed(0)}, p99.9 ${percentile(us, 99.9).toFixed(0)}, max ${us.at(-1)!.toFixed(0)}`);
    console.log(`  histogram: ${edges.map((edge, i) => `<${Number.isFinite(edge) ? edge : 'inf'}: ${counts[i]}`).join(', ')}`);
    const slow = samples.filter((s) => (s.endMs - s.startMs) * 1_000 > slowUs);
    const byKind = new Map<string, number>();
    let withGc = 0;
    let gcMsInSlow = 0;
    let slowMs = 0;
    for (const s of slow) {
      slowMs += s.endMs - s.startMs;
      const overlapping = timedGcs.filter((g) => g.startMs < s.endMs && g.startMs + g.durationMs > s.startMs);
      if (overlapping.length > 0) withGc += 1;
      for (const g of overlapping) {
        byKind.set(g.kind, (byKind.get(g.kind) ?? 0) + 1);
        gcMsInSlow += Math.min(s.endMs, g.startMs + g.durationMs) - Math.max(s.startMs, g.startMs);
      }
    }
    console.log(`  slow samples: ${slow.length} (${((slow.length / samples.length) * 100).toFixed(2)}%); overlapping a GC: ${withGc}; GC time inside them ${gcMsInSlow.toFixed(1)} of ${slowMs.toFixed(1)} ms`);
    if (byKind.size > 0) console.log(`  collections overlapping slow samples by kind: ${[...byKind].map(([k, v]) => `${k} ${v}`).join(', ')}`);
  }
  const sideMs = (samples: Sample[]) => samples.reduce((t, s) => t + s.endMs - s.startMs, 0);
  const inside = (samples: Sample[], g: Gc) => samples.some((s) => g.startMs >= s.startMs && g.startMs < s.endMs);
  const gcStats = (name: string, samples: Sample[]) => {
    const mine = timedGcs.filter((g) => inside(samples, g));
    const durations = mine.map((g) => g.durationMs * 1_000).sort((a, b) => a - b);
    console.log(`\ncollections that started inside a ${name} sample: ${mine.length} (${(mine.length / samples.length * 1_000).toFixed(2)} per 1,000 round trips, one per ${(sideMs(samples) / Math.max(1, mine.length)).toFixed(0)} ms), duration p50 ${percentile(durations, 50)?.toFixed(0)} µs, p90 ${percentile(durations, 90)?.toFixed(0)}, max ${durations.at(-1)?.toFixed(0)}`);
  };
  gcStats('rendezvous', sides.rendezvous);
  gcStats('floor', sides.floor);
  console.log(`\nevent-loop delay over the timed blocks (1 ms resolution): p50 ${(loopDelay.percentile(50) / 1e3).toFixed(0)} µs, p99 ${(loopDelay.percentile(99) / 1e3).toFixed(0)} µs, max ${(loopDelay.max / 1e3).toFixed(0)} µs`);
  const mem = process.memoryUsage();
  console.log(`heap used at end ${(mem.heapUsed / 2 ** 20).toFixed(1)} MB of ${(mem.heapTotal / 2 ** 20).toFixed(1)} MB`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
