/**
 * Diagnostic: the idle fleet of row 5 alone (1,000 coordinators at the default 5 s heartbeat), for
 * a CPU profile and its cost per heartbeat:
 *
 *   npx tsx bench/tools/profile-fleet.ts [coordinators] [windowMs] [profile.cpuprofile]
 *   npx tsx bench/tools/summarize-profile.ts <profile.cpuprofile>
 *
 * With a file name, the window alone (not the start of the fleet) is profiled into it.
 * FLEET_HEARTBEAT_MS=600000 gives the same fleet with no beat in the window: the process's own
 * CPU, which the per-beat figure also divides by the beats. FLEET_REPEAT=n measures n windows in a
 * row; FLEET_WINDOW=1 also prints each window's CLOCK_MONOTONIC bounds, for `perf report --time`.
 */
import '../quiet.js';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { PerformanceObserver } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { BlockingCoordinator, createStore } from '../../src/index.js';
import { startRedis } from '../../test/support/redis-server.js';
import { callsBetween, CommandStats } from '../command-stats.js';
import { newSecret } from '../scenario.js';

const coordinators = Number(process.argv[2] ?? 1_000);
const windowMs = Number(process.argv[3] ?? 30_000);
const profileFile = process.argv[4];
/** FLEET_REPEAT=n: n windows one after another in the same process (the JIT warms up over the first ones). */
const repeat = Number(process.env.FLEET_REPEAT ?? 1);
const heartbeatMs = process.env.FLEET_HEARTBEAT_MS ? Number(process.env.FLEET_HEARTBEAT_MS) : undefined;

async function main(): Promise<void> {
  const server = await startRedis();
  const store = await createStore({ url: server.url });
  const stats = new CommandStats(server.url);
  const secret = newSecret();
  const fleet = Array.from({ length: coordinators }, (_, i) => new BlockingCoordinator({ id: `idle-${i}`, store, secret, swarmId: 'fleet', ...(heartbeatMs ? { heartbeatIntervalMs: heartbeatMs, heartbeatTtlMs: 3 * heartbeatMs } : {}) }));
  let gcMs = 0;
  let gcs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcMs += entry.duration;
      gcs += 1;
    }
  });
  try {
    await Promise.all(fleet.map((c) => c.start()));
    await sleep(2_500);
    observer.observe({ entryTypes: ['gc'] });
    const session = profileFile ? new Session() : undefined;
    if (session) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 100 });
      await session.post('Profiler.start');
    }
    for (let w = 0; w < repeat; w += 1) {
      const gc0 = { gcMs, gcs };
      const calls0 = await stats.read();
      const cpu0 = process.cpuUsage();
      const wall0 = performance.now();
      const mono0 = process.hrtime.bigint();
      await sleep(windowMs);
      const cpu = process.cpuUsage(cpu0);
      const mono1 = process.hrtime.bigint();
      const wall = performance.now() - wall0;
      if (session && w === repeat - 1) {
        const { profile } = await session.post('Profiler.stop');
        await writeFile(profileFile!, JSON.stringify(profile));
        session.disconnect();
      }
      const calls = callsBetween(calls0, await stats.read());
      const beats = calls.get('set') ?? 0;
      const cpuUs = cpu.user + cpu.system;
      const windowGcMs = gcMs - gc0.gcMs;
      console.log(`${coordinators} idle coordinators, ${Math.round(wall)} ms: ${beats} beats, CPU ${(cpuUs / 1_000).toFixed(0)} ms (${((cpuUs / 1_000 / wall) * 100).toFixed(2)} % of a core), ${(cpuUs / beats).toFixed(1)} µs per beat (user ${(cpu.user / beats).toFixed(1)}, system ${(cpu.system / beats).toFixed(1)}); GC ${gcs - gc0.gcs} collections, ${windowGcMs.toFixed(1)} ms (${((windowGcMs * 1_000) / beats).toFixed(1)} µs per beat)`);
      if (process.env.FLEET_WINDOW) console.log(`window (CLOCK_MONOTONIC s, for perf --time): ${fmtSeconds(mono0)},${fmtSeconds(mono1)}`);
      console.log(`commands: ${[...calls].map(([k, v]) => `${k} ${v}`).join(', ')}`);
    }
  } finally {
    observer.disconnect();
    await Promise.allSettled(fleet.map((c) => c.stop()));
    stats.close();
    await store.close();
    await server.stop();
  }
}

/** A monotonic ns reading as seconds with 6 decimals, as perf prints its timestamps. */
function fmtSeconds(ns: bigint): string {
  return `${ns / 1_000_000_000n}.${String((ns % 1_000_000_000n) / 1_000n).padStart(6, '0')}`;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
