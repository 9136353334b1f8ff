/**
 * What metrics cost a round trip: alternating blocks of round trips with metrics observed and not,
 * on the same two coordinators, on the embedded store or (`--redis`) a private redis-server;
 * `--only=store|coordinators` observes one part.
 * `npx tsx bench/tools/metrics-cost.ts [blocks] [tripsPerBlock] [--redis] [--only=store|coordinators]`
 */
import '../quiet.js';
import { Registry } from 'prom-client';
import { BlockingCoordinator, createMetrics, createStore } from '../../src/index.js';
import { startRedis } from '../../test/support/redis-server.js';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const blocks = Number(args[0] ?? 10);
const trips = Number(args[1] ?? 2_000);
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
const server = process.argv.includes('--redis') ? await startRedis() : undefined;
const secret = 'metrics-cost-secret-0123456789abcdef0123456789';
const store = await createStore(server ? { url: server.url } : {});
const a = new BlockingCoordinator({ id: 'a', swarmId: 's', store, secret, env: {}, maxSendsPerSecond: 0 });
const b = new BlockingCoordinator({ id: 'b', swarmId: 's', store, secret, env: {}, maxSendsPerSecond: 0 });
await Promise.all([a.start(), b.start()]);
const metrics = createMetrics({ registry: new Registry() });

async function block(): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < trips; i += 1) {
    const { messageId } = await a.sendSignal('b', 'completion', { payload: { i } });
    await b.acknowledge(await b.blockUntilSignal({ timeoutMs: 5_000 }));
    await a.waitForAcks(['b'], messageId, { timeoutMs: 5_000 });
  }
  return ((performance.now() - started) * 1000) / trips;
}

await block(); // warm-up
const off: number[] = [];
const on: number[] = [];
for (let i = 0; i < blocks; i += 1) {
  off.push(await block());
  const stops = [
    ...(only === 'store' ? [] : [metrics.observeCoordinator(a), metrics.observeCoordinator(b)]),
    ...(only === 'coordinators' ? [] : [metrics.observeStore(store)]),
  ];
  on.push(await block());
  for (const stop of stops) stop();
}
const median = (v: number[]) => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)]!;
console.log(`round trip on ${server ? 'Redis' : 'the embedded store'}${only ? ` (${only} only)` : ''}, µs (median of ${blocks} blocks of ${trips}): off ${median(off).toFixed(1)}, on ${median(on).toFixed(1)}, added ${(median(on) - median(off)).toFixed(1)}`);
await Promise.all([a.stop(), b.stop()]);
await store.close();
await server?.stop();
