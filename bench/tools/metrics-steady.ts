/**
 * What metrics cost a round trip in steady state: each side (off, metrics, control = off again)
 * runs in a process of its own, metrics observed from the start and never switched, against one
 * private redis-server (or the embedded store); the processes run one at a time in rotating order,
 * so the sides see the same machine. Each process warms up, then times sequential round trips
 * (send → blockUntilSignal → acknowledge → waitForAcks) and reports their p50 and its CPU per trip.
 * Unlike metrics-cost.ts nothing is switched in a process: no deoptimization or inline cache the
 * switch leaves behind is charged to a side.
 *
 *   npx tsx bench/tools/metrics-steady.ts [rounds] [trips] [--memory] [--sides=off,metrics,control,store,coordinators]
 */
import '../quiet.js';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';
import { BlockingCoordinator, createMetrics, createStore } from '../../src/index.js';
import { startRedis } from '../../test/support/redis-server.js';
import { percentile } from '../stats.js';

const SECRET = 'metrics-steady-secret-0123456789abcdef0123456789';
const flag = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const numbers = process.argv.slice(2).filter((a) => !a.startsWith('--'));

interface Measured {
  p50: number;
  mean: number;
  cpu: number;
}

/** One side, in this process: `trips` warm-up round trips, then `trips` timed. */
async function child(side: string, url: string | undefined, trips: number, swarmId: string): Promise<Measured> {
  const store = await createStore(url ? { url } : {});
  const a = new BlockingCoordinator({ id: 'a', swarmId, store, secret: SECRET, env: {}, maxSendsPerSecond: 0 });
  const b = new BlockingCoordinator({ id: 'b', swarmId, store, secret: SECRET, env: {}, maxSendsPerSecond: 0 });
  await Promise.all([a.start(), b.start()]);
  const metrics = createMetrics({ registry: new Registry() });
  if (side === 'metrics' || side === 'coordinators') for (const c of [a, b]) metrics.observeCoordinator(c);
  if (side === 'metrics' || side === 'store') metrics.observeStore(store);
  const samples: number[] = [];
  const run = async (n: number, timed: boolean) => {
    for (let i = 0; i < n; i += 1) {
      const start = performance.now();
      const { messageId } = await a.sendSignal('b', 'completion', { payload: { i } });
      await b.acknowledge(await b.blockUntilSignal({ timeoutMs: 5_000 }));
      await a.waitForAcks(['b'], messageId, { timeoutMs: 5_000 });
      if (timed) samples.push((performance.now() - start) * 1000);
    }
  };
  await run(trips, false);
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  await run(trips, true);
  const cpu = process.cpuUsage(cpu0);
  const wallUs = (performance.now() - wall0) * 1000;
  await Promise.all([a.stop(), b.stop()]);
  await store.close();
  return { p50: percentile([...samples].sort((x, y) => x - y), 50), mean: wallUs / trips, cpu: (cpu.user + cpu.system) / trips };
}

async function spawnSide(side: string, url: string | undefined, trips: number, swarmId: string): Promise<Measured> {
  const args = ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', `--side=${side}`, `--trips=${trips}`, `--swarm=${swarmId}`, ...(url ? [`--url=${url}`] : [])];
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => proc.on('exit', resolve));
  if (code !== 0) throw new Error(`side ${side} exited with ${code}: ${out}`);
  return JSON.parse(out.trim().split('\n').at(-1)!) as Measured;
}

if (process.argv.includes('--child')) {
  const result = await child(flag('side')!, flag('url'), Number(flag('trips')), flag('swarm')!);
  console.log(JSON.stringify(result));
} else {
  const rounds = Number(numbers[0] ?? 6);
  const trips = Number(numbers[1] ?? 3_000);
  const sides = (flag('sides') ?? 'off,metrics,control').split(',');
  const server = process.argv.includes('--memory') ? undefined : await startRedis();
  const results: Record<string, Measured[]> = Object.fromEntries(sides.map((s) => [s, []]));
  try {
    for (let r = 0; r < rounds; r += 1) {
      for (let j = 0; j < sides.length; j += 1) {
        const side = sides[(r + j) % sides.length]!;
        results[side]!.push(await spawnSide(side, server?.url, trips, `steady-${r}-${side}`));
      }
    }
  } finally {
    await server?.stop();
  }
  const median = (v: number[]) => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)]!;
  const range = (v: number[]) => `${Math.min(...v).toFixed(0)}–${Math.max(...v).toFixed(0)}`;
  console.log(`round trip on ${server ? 'Redis' : 'the embedded store'}, ${rounds} processes per side of ${trips} warm-up + ${trips} timed trips; median of the processes' figures (range):`);
  for (const side of sides) {
    const rs = results[side]!;
    const p50s = rs.map((x) => x.p50);
    const cpus = rs.map((x) => x.cpu);
    console.log(`  ${side.padEnd(13)} p50 ${median(p50s).toFixed(1)} µs (${range(p50s)}), mean ${median(rs.map((x) => x.mean)).toFixed(1)} µs, CPU ${median(cpus).toFixed(1)} µs/trip (${range(cpus)})`);
  }
}
