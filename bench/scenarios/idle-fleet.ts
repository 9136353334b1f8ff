import { setTimeout as sleep } from 'node:timers/promises';
import { BlockingCoordinator } from '../../src/index.js';
import { callsBetween, CommandStats } from '../command-stats.js';
import { settledHeapUsed } from '../gc.js';
import type { ScenarioContext } from '../scenario.js';

export interface FleetCounts {
  coordinators: number;
  /** Time after the last initialize() before the window opens (half a heartbeat interval). */
  settleMs: number;
  /** The measured window: a whole number of heartbeat intervals. */
  windowMs: number;
}

export interface FleetResult {
  coordinators: number;
  windowMs: number;
  /** Redis commands per second during the window (INFO commandstats delta, INFO itself excluded). */
  commandsPerSec: number;
  commandsByName: Record<string, number>;
  /** CPU time of this process over wall time in the window, % of one core. */
  cpuPercent: number;
  /** heapUsed after GC with the fleet running minus before it was created, per coordinator. */
  heapBytesPerCoordinator: number;
  heapBeforeBytes: number;
  heapAfterBytes: number;
}

/**
 * 1,000 idle coordinators in this process (initialized, heartbeating at the default interval, not
 * waiting): their Redis commands per second and CPU over a window of whole intervals, then their
 * heap, measured after that window (every coordinator has beaten a few times by then).
 */
export async function runIdleFleet(context: ScenarioContext & { url: string }, counts: FleetCounts): Promise<FleetResult> {
  const stats = new CommandStats(context.url);
  const heapBefore = settledHeapUsed();
  const fleet: BlockingCoordinator[] = Array.from(
    { length: counts.coordinators },
    (_, i) => new BlockingCoordinator({ id: `bench-idle-${i}`, store: context.store, secret: context.secret, swarmId: context.swarmId }),
  );
  try {
    await Promise.all(fleet.map((c) => c.start()));
    await sleep(counts.settleMs);
    const calls0 = await stats.read();
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    await sleep(counts.windowMs);
    const cpu = process.cpuUsage(cpu0);
    const wallMs = performance.now() - wall0;
    const calls = callsBetween(calls0, await stats.read());
    const heapAfter = settledHeapUsed();
    const total = [...calls.values()].reduce((sum, n) => sum + n, 0);
    return {
      coordinators: counts.coordinators,
      windowMs: Math.round(wallMs),
      commandsPerSec: total / (wallMs / 1_000),
      commandsByName: Object.fromEntries(calls),
      cpuPercent: ((cpu.user + cpu.system) / 1_000 / wallMs) * 100,
      heapBytesPerCoordinator: (heapAfter - heapBefore) / counts.coordinators,
      heapBeforeBytes: heapBefore,
      heapAfterBytes: heapAfter,
    };
  } finally {
    await Promise.allSettled(fleet.map((c) => c.stop()));
    stats.close();
  }
}
