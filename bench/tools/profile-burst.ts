/**
 * Diagnostic: the fan-in burst of row 3 alone (50 owner + 3 validator groups, answers in ACKs),
 * metrics on from the start (`--metrics`: the store and every coordinator observed) or never, in
 * a process of its own: CPU per round, and with a file name a CPU profile of the timed rounds.
 *
 *   npx tsx bench/tools/profile-burst.ts [rounds] [--metrics] [profile.cpuprofile]
 *   npx tsx bench/tools/summarize-profile.ts <profile.cpuprofile>
 */
import '../quiet.js';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { PerformanceObserver } from 'node:perf_hooks';
import { Registry } from 'prom-client';
import { createMetrics, createStore } from '../../src/index.js';
import { startRedis } from '../../test/support/redis-server.js';
import { withLoops } from '../coordinators.js';
import { runCount } from '../load.js';
import { newSecret } from '../scenario.js';
import { fanInRound, startFanInGroup, type FanInGroup } from '../scenarios/fan-in.js';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const rounds = Number(args.find((a) => /^\d+$/.test(a)) ?? 5_000);
const profileFile = args.find((a) => !/^\d+$/.test(a));
const observed = process.argv.includes('--metrics');
const IN_FLIGHT = 50;

const server = await startRedis();
const store = await createStore({ url: server.url });
const metrics = observed ? createMetrics({ registry: new Registry() }) : undefined;
metrics?.observeStore(store);
const context = { store, swarmId: 'burst', secret: newSecret(), counts: { warmup: 0, measured: 0 }, ...(metrics ? { observe: (c: Parameters<typeof metrics.observeCoordinator>[0]) => void metrics.observeCoordinator(c) } : {}) };
const groups: FanInGroup[] = [];
for (let g = 0; g < IN_FLIGHT; g += 1) groups.push(await startFanInGroup(context, `-${g}`, 'ack'));
let iteration = 0;
const burst = (n: number) => runCount(IN_FLIGHT, n, (loop) => fanInRound(groups[loop]!, iteration++));
try {
  await withLoops(groups.flatMap((g) => g.coordinators), (stop) => groups.flatMap((g) => g.loops(stop)), async () => {
    await burst(Math.max(1_000, rounds / 2));
    const session = profileFile ? new Session() : undefined;
    if (session) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    const gc = { count: 0, ms: 0 };
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        gc.count += 1;
        gc.ms += entry.duration;
      }
    });
    observer.observe({ entryTypes: ['gc'] });
    const cpu0 = process.cpuUsage();
    const timed = await burst(rounds);
    const cpu = process.cpuUsage(cpu0);
    observer.disconnect();
    if (session) {
      const { profile } = await session.post('Profiler.stop');
      await writeFile(profileFile!, JSON.stringify(profile));
      session.disconnect();
    }
    const rate = (rounds / timed.elapsedMs) * 1_000;
    console.log(`burst, metrics ${observed ? 'on' : 'off'}: ${rounds} rounds, ${rate.toFixed(0)} rounds/s, CPU per round ${((cpu.user + cpu.system) / rounds).toFixed(0)} µs (user ${(cpu.user / rounds).toFixed(0)}), GC ${gc.count} pauses, ${((gc.ms * 1_000) / rounds).toFixed(0)} µs per round`);
  });
} finally {
  await store.close();
  await server.stop();
}
