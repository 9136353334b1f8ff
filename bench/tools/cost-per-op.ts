/**
 * Diagnostic: what one operation of each comparison row costs, Rendezvous beside BullMQ, on a
 * private redis-server. A timed pass gives this process's CPU time, connections opened and the
 * Redis server's CPU time per operation; a second pass under MONITOR counts the commands
 * clients sent per operation (calls made inside Lua scripts are not counted; setup is included,
 * amortised over the pass).
 *
 *   npx tsx bench/tools/cost-per-op.ts [round-trip|fan-in|burst|throughput ...]
 *   AUTOPIPE=1 npx tsx bench/tools/cost-per-op.ts ...   # Rendezvous store with ioredis auto-pipelining
 */
import '../quiet.js';
import { Redis } from 'ioredis';
import { createStore, type Store } from '../../src/index.js';
import { startRedis } from '../../test/support/redis-server.js';
import { runCount, runWindow } from '../load.js';
import { bullmqConnection, bullmqPrefix } from '../peers/bullmq-connection.js';
import { withFlows } from '../peers/bullmq-flows.js';
import { withJobQueue } from '../peers/bullmq-jobs.js';
import { newSecret, type ScenarioContext } from '../scenario.js';
import { fanInScenario } from '../scenarios/fan-in.js';
import { runFanInBurst } from '../scenarios/fan-in-burst.js';
import { roundTripScenario } from '../scenarios/round-trip.js';
import { runThroughput } from '../scenarios/throughput.js';

/** Runs the row's operations once; resolves with how many ran. */
type Run = () => Promise<number>;

async function serverFigures(admin: Redis): Promise<{ connections: number; cpuSec: number }> {
  const [stats, cpu] = await Promise.all([admin.info('stats'), admin.info('cpu')]);
  const num = (text: string, field: string) => Number(new RegExp(`^${field}:([\\d.]+)`, 'm').exec(text)?.[1] ?? 0);
  return { connections: num(stats, 'total_connections_received'), cpuSec: num(cpu, 'used_cpu_sys') + num(cpu, 'used_cpu_user') };
}

/** Commands sent by clients (not by scripts) while `run` runs, from a MONITOR connection. */
async function countCommands(url: string, run: () => Promise<number>): Promise<{ ops: number; sent: number }> {
  const client = new Redis(url);
  const monitor = await client.monitor();
  let sent = 0;
  monitor.on('monitor', (_time: string, _args: string[], source: string) => {
    if (source !== 'lua') sent += 1;
  });
  try {
    const ops = await run();
    return { ops, sent };
  } finally {
    monitor.disconnect();
    client.disconnect();
  }
}

async function measure(label: string, url: string, admin: Redis, run: Run): Promise<void> {
  const before = await serverFigures(admin);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const ops = await run();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const after = await serverFigures(admin);
  const counted = await countCommands(url, run);
  const perOp = (x: number, n = ops) => (x / n).toFixed(2).padStart(8);
  console.log(
    `${label.padEnd(24)} ${String(ops).padStart(6)} ops ${Math.round(ops / (wallMs / 1_000)).toString().padStart(6)}/s` +
      `  node CPU/op ${perOp((cpu.user + cpu.system))} µs  redis CPU/op ${perOp((after.cpuSec - before.cpuSec) * 1e6)} µs` +
      `  connections/op ${perOp(after.connections - before.connections)}  commands sent/op ${perOp(counted.sent, counted.ops)}`,
  );
}

async function main(): Promise<void> {
  const which = process.argv.slice(2);
  const rows = which.length > 0 ? which : ['round-trip', 'fan-in', 'burst', 'throughput'];
  const server = await startRedis();
  const admin = new Redis(server.url);
  const store: Store = await createStore({ url: server.url, ...(process.env.AUTOPIPE ? { redisOptions: { enableAutoPipelining: true } } : {}) });
  const connection = bullmqConnection(server.port);
  const secret = newSecret();
  let runs = 0;
  const context = (warmup = 0, measured = 0): ScenarioContext => ({ store, swarmId: `cost-${runs++}`, secret, counts: { warmup, measured } });
  try {
    for (const row of rows) {
      const bull = bullmqPrefix(`cost-${row}`);
      if (row === 'round-trip') {
        await measure('round trip: rendezvous', server.url, admin, async () => (await roundTripScenario.run(context(3_000, 5_000))).samplesUs.length + 3_000);
        await withJobQueue(connection, bull, 1, (q) => measure('round trip: bullmq', server.url, admin, async () => (await runCount(1, 8_000, (_, i) => q.roundTrip(i))).samplesUs.length));
      } else if (row === 'fan-in') {
        await measure('fan-in: rendezvous', server.url, admin, async () => (await fanInScenario.run(context(500, 1_500))).samplesUs.length + 500);
        await withFlows(connection, bull, 3, (f) => measure('fan-in: bullmq', server.url, admin, async () => (await runCount(1, 2_000, (_, i) => f.round(i))).samplesUs.length));
      } else if (row === 'burst') {
        await measure('burst: rendezvous', server.url, admin, async () => (await runFanInBurst(context(), { inFlight: 50, warmup: 200, rounds: 1_000 }, 'ack')).samplesUs.length + 200);
        await withFlows(connection, bull, 50, (f) => measure('burst: bullmq', server.url, admin, async () => (await runCount(50, 1_200, (_, i) => f.round(i))).samplesUs.length));
      } else if (row === 'throughput') {
        await measure('throughput: rendezvous', server.url, admin, async () => (await runThroughput(context(), { pairs: 100, warmupMs: 0, windowMs: 4_000 })).total);
        await withJobQueue(connection, bull, 50, (q) => measure('throughput: bullmq', server.url, admin, async () => (await runWindow(100, 0, 4_000, (_, i) => q.roundTrip(i))).total));
      }
    }
  } finally {
    admin.disconnect();
    await store.close();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
