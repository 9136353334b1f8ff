/**
 * What metrics cost a round trip: rotating blocks of round trips with metrics off, with no-op
 * listeners on the coordinators' events and the store's operations, and with metrics observed, on the same two coordinators, on the embedded store or (`--redis`) a private redis-server;
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

/** One block: its wall time and this process's CPU time (user + system), µs per round trip. */
async function block(): Promise<{ wall: number; cpu: number }> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < trips; i += 1) {
    const { messageId } = await a.sendSignal('b', 'completion', { payload: { i } });
    await b.acknowledge(await b.blockUntilSignal({ timeoutMs: 5_000 }));
    await a.waitForAcks(['b'], messageId, { timeoutMs: 5_000 });
  }
  const used = process.cpuUsage(cpu);
  return { wall: ((performance.now() - started) * 1000) / trips, cpu: (used.user + used.system) / trips };
}

await block(); // warm-up
// Three sides in rotating order: off, no-op listeners on the same events and store operations
// (what emitting and timing them costs), metrics (what the metrics' listeners add on top).
const EVENTS = ['signal:sent', 'signal:received', 'message:rejected', 'record:forged', 'ack:sent', 'heartbeat', 'heartbeat:failed', 'wait:ended'] as const;
const noop = (): void => undefined;
const sides = {
  off: () => [] as (() => void)[],
  noop: () => [
    ...(only === 'store'
      ? []
      : [a, b].map((c) => {
          for (const name of EVENTS) c.on(name, noop);
          return () => {
            for (const name of EVENTS) c.off(name, noop);
          };
        })),
    ...(only === 'coordinators' ? [] : [store.observeOperations(noop)]),
  ],
  metrics: () => [
    ...(only === 'store' ? [] : [metrics.observeCoordinator(a), metrics.observeCoordinator(b)]),
    ...(only === 'coordinators' ? [] : [metrics.observeStore(store)]),
  ],
};
const names = Object.keys(sides) as (keyof typeof sides)[];
const times: Record<keyof typeof sides, { wall: number; cpu: number }[]> = { off: [], noop: [], metrics: [] };
for (let i = 0; i < blocks; i += 1) {
  for (let j = 0; j < names.length; j += 1) {
    const side = names[(i + j) % names.length]!;
    const stops = sides[side]();
    times[side].push(await block());
    for (const stop of stops) stop();
  }
}
const median = (v: number[]) => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)]!;
const line = (figure: 'wall' | 'cpu') => {
  const [off, noopUs, on] = (['off', 'noop', 'metrics'] as const).map((side) => median(times[side].map((t) => t[figure])));
  return `off ${off!.toFixed(1)}, no-op listeners ${noopUs!.toFixed(1)} (${(noopUs! - off!).toFixed(1)}), metrics ${on!.toFixed(1)} (${(on! - off!).toFixed(1)})`;
};
console.log(`round trip on ${server ? 'Redis' : 'the embedded store'}${only ? ` (${only} only)` : ''}, µs, median of ${blocks} blocks of ${trips}:`);
console.log(`  wall ${line('wall')}`);
console.log(`  CPU  ${line('cpu')}`);
await Promise.all([a.stop(), b.stop()]);
await store.close();
await server?.stop();
