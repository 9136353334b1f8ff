/**
 * What metrics cost a round trip, paired trip by trip: two pairs of coordinators in one process,
 * each on a store of its own (its own connections) against one private redis-server (or the
 * embedded store with `--memory`); one pair and its store observed by metrics from the start, the
 * other never. Their round trips alternate (ABBA), so whatever else the machine does falls on both
 * alike: the p50 difference holds up under load where blocks of each side do not. Nothing is
 * switched during the run (no deoptimization a switch may leave is charged to a side).
 *
 * `--only=store|coordinators` observes one part, `--only=none` nothing (an A/A run: the tool's own
 * bias); `--observed-second` starts the observed pair after the other (run both ways: the pair
 * started first reads slower here).
 *
 *   npx tsx bench/tools/metrics-paired.ts [trips] [--memory] [--only=store|coordinators|none] [--observed-second]
 */
import '../quiet.js';
import { Registry } from 'prom-client';
import { BlockingCoordinator, createMetrics, createStore, type Store } from '../../src/index.js';
import { startRedis } from '../../test/support/redis-server.js';

const trips = Number(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 20_000);
const server = process.argv.includes('--memory') ? undefined : await startRedis();
const secret = 'metrics-paired-secret-0123456789abcdef0123456789';
const metrics = createMetrics({ registry: new Registry() });
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);

interface Side {
  store: Store;
  a: BlockingCoordinator;
  b: BlockingCoordinator;
  samples: number[];
}

async function side(name: string, observed: boolean): Promise<Side> {
  const store = await createStore(server ? { url: server.url } : {});
  const a = new BlockingCoordinator({ id: `${name}-a`, swarmId: name, store, secret, env: {}, maxSendsPerSecond: 0 });
  const b = new BlockingCoordinator({ id: `${name}-b`, swarmId: name, store, secret, env: {}, maxSendsPerSecond: 0 });
  await Promise.all([a.start(), b.start()]);
  if (observed && only !== 'coordinators' && only !== 'none') metrics.observeStore(store);
  if (observed && only !== 'store' && only !== 'none') for (const c of [a, b]) metrics.observeCoordinator(c);
  return { store, a, b, samples: [] };
}

async function trip({ a, b, samples }: Side, i: number, timed: boolean): Promise<void> {
  const started = performance.now();
  const { messageId } = await a.sendSignal(b.id, 'completion', { payload: { i } });
  await b.acknowledge(await b.blockUntilSignal({ timeoutMs: 5_000 }));
  await a.waitForAcks([b.id], messageId, { timeoutMs: 5_000 });
  if (timed) samples.push((performance.now() - started) * 1000);
}

// The pair made first reads a few µs slower here with nothing observed (an A/A run, `--only=none`):
// `--observed-second` makes the observed pair second; the cost is the mean of a run each way.
const observedSecond = process.argv.includes('--observed-second');
let on: Side;
let off: Side;
if (observedSecond) {
  off = await side('off', false);
  on = await side('on', true);
} else {
  on = await side('on', true);
  off = await side('off', false);
}
const run = async (n: number, timed: boolean) => {
  for (let i = 0; i < n; i += 1) {
    const [first, second] = i % 4 === 0 || i % 4 === 3 ? [on, off] : [off, on];
    await trip(first, i, timed);
    await trip(second, i, timed);
  }
};
await run(Math.max(3_000, trips / 4), false);
const cpu = process.cpuUsage();
await run(trips, true);
const used = process.cpuUsage(cpu);
const p = (v: number[], q: number) => [...v].sort((x, y) => x - y)[Math.floor((v.length - 1) * q)]!;
const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
// The figure: median of the per-pair differences (on minus off of the same i), robust to a slow stretch hitting both.
const diffs = on.samples.map((x, i) => x - off.samples[i]!);
console.log(`round trip on ${server ? 'Redis' : 'the embedded store'}${only ? ` (${only} only)` : ''}, observed pair started ${observedSecond ? 'second' : 'first'}, ${trips} paired trips (CPU of both sides ${((used.user + used.system) / (2 * trips)).toFixed(1)} µs/trip):`);
console.log(`  on  p50 ${p(on.samples, 0.5).toFixed(1)} µs, mean ${mean(on.samples).toFixed(1)} µs`);
console.log(`  off p50 ${p(off.samples, 0.5).toFixed(1)} µs, mean ${mean(off.samples).toFixed(1)} µs`);
console.log(`  on - off: p50 ${(p(on.samples, 0.5) - p(off.samples, 0.5)).toFixed(1)} µs, median of paired differences ${p(diffs, 0.5).toFixed(1)} µs`);
for (const s of [on, off]) await Promise.all([s.a.stop(), s.b.stop()]);
await Promise.all([on.store.close(), off.store.close()]);
await server?.stop();
