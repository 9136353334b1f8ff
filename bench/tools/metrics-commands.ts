/**
 * Diagnostic: what observing changes in a Redis round trip (send → blockUntilSignal →
 * acknowledge → waitForAcks), other than time: Redis commands per round trip (MONITOR, by command
 * and script SHA) and promises created per round trip (async_hooks), for each side: off, the store
 * observed, the coordinators observed, both.
 *
 *   npx tsx bench/tools/metrics-commands.ts [trips]
 */
import '../quiet.js';
import { createHook } from 'node:async_hooks';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { BlockingCoordinator, createMetrics, createStore } from '../../src/index.js';
import { startRedis } from '../../test/support/redis-server.js';

const trips = Number(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 500);
const server = await startRedis();
const secret = 'metrics-cost-secret-0123456789abcdef0123456789';
const store = await createStore({ url: server.url });
const a = new BlockingCoordinator({ id: 'a', swarmId: 's', store, secret, env: {}, maxSendsPerSecond: 0 });
const b = new BlockingCoordinator({ id: 'b', swarmId: 's', store, secret, env: {}, maxSendsPerSecond: 0 });
await Promise.all([a.start(), b.start()]);
const metrics = createMetrics({ registry: new Registry() });

let promises = 0;
let counting = false;
createHook({ init: (_id, type) => { if (counting && type === 'PROMISE') promises += 1; } }).enable();

const monitor = new Redis(server.url);
const tally = new Map<string, number>();
const feed = await monitor.monitor();
feed.on('monitor', (_time: string, args: string[], source: string) => {
  if (!counting || source === 'lua') return;
  const name = String(args[0]).toUpperCase() + (String(args[0]).toUpperCase() === 'EVALSHA' ? ` ${String(args[1]).slice(0, 8)}` : '') + (args.some((x) => String(x).toUpperCase() === 'BLOCK') ? ' BLOCK' : '');
  tally.set(name, (tally.get(name) ?? 0) + 1);
});

async function trip(i: number): Promise<void> {
  const { messageId } = await a.sendSignal('b', 'completion', { payload: { i } });
  await b.acknowledge(await b.blockUntilSignal({ timeoutMs: 5_000 }));
  await a.waitForAcks(['b'], messageId, { timeoutMs: 5_000 });
}

const sides: Record<string, () => (() => void)[]> = {
  off: () => [],
  store: () => [metrics.observeStore(store)],
  coordinators: () => [metrics.observeCoordinator(a), metrics.observeCoordinator(b)],
  both: () => [metrics.observeCoordinator(a), metrics.observeCoordinator(b), metrics.observeStore(store)],
};
for (let i = 0; i < 200; i += 1) await trip(i);
for (const [side, observe] of Object.entries(sides)) {
  const stops = observe();
  for (let i = 0; i < 50; i += 1) await trip(i);
  tally.clear();
  promises = 0;
  counting = true;
  for (let i = 0; i < trips; i += 1) await trip(i);
  await new Promise((resolve) => setTimeout(resolve, 200));
  counting = false;
  for (const stop of stops) stop();
  const commands = [...tally].sort((x, y) => y[1] - x[1]).map(([n, c]) => `${n} ${(c / trips).toFixed(2)}`).join(', ');
  const total = [...tally.values()].reduce((s, n) => s + n, 0) / trips;
  console.log(`${side.padEnd(12)} commands/trip ${total.toFixed(2)} [${commands}]; promises/trip ${(promises / trips).toFixed(1)}`);
}
feed.disconnect();
monitor.disconnect();
await Promise.all([a.stop(), b.stop()]);
await store.close();
await server.stop();
