import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { BlockingCoordinator, createMetrics } from '../../src/index.js';
import { callsBetween, CommandStats } from '../command-stats.js';
import { settledHeapUsed } from '../gc.js';
import type { ScenarioContext } from '../scenario.js';

export interface FleetCounts {
  coordinators: number;
  /** Time after the last initialize() before the window opens (half a heartbeat interval). */
  settleMs: number;
  /** The measured window of each side (metrics off, on): a whole number of heartbeat intervals. */
  windowMs: number;
}

/** What one side (metrics off or on) measured over its windows. */
export interface FleetSide {
  windowMs: number;
  /** Redis commands per second (INFO commandstats delta, INFO itself excluded). */
  commandsPerSec: number;
  commandsByName: Record<string, number>;
  /** Heartbeats written: SET calls (one per beat; an idle coordinator writes nothing else with SET). */
  beats: number;
  /** CPU time of this process over wall time, % of one core. */
  cpuPercent: number;
  /** CPU time of this process per heartbeat written, µs. */
  cpuUsPerBeat: number;
}

export interface FleetResult {
  coordinators: number;
  off: FleetSide;
  on: FleetSide;
  /** heapUsed after GC with the fleet running minus before it was created, per coordinator (metrics off). */
  heapBytesPerCoordinator: number;
  heapBeforeBytes: number;
  heapAfterBytes: number;
}

/** The default heartbeat interval: each window is whole intervals of it. */
const HEARTBEAT_MS = 5_000;

/**
 * 1,000 idle coordinators in this process (initialized, heartbeating at the default interval, not
 * waiting): their Redis commands, heartbeats and CPU in windows of one heartbeat interval, metrics
 * off and on taking turns (off, on, on, off, ...; on: createMetrics observing every coordinator and
 * the store), `windowMs` of each; then their heap with metrics off (every coordinator has beaten
 * several times by then).
 */
export async function runIdleFleet(context: ScenarioContext & { url: string }, counts: FleetCounts): Promise<FleetResult> {
  const stats = new CommandStats(context.url);
  const heapBefore = settledHeapUsed();
  const fleet: BlockingCoordinator[] = Array.from(
    { length: counts.coordinators },
    (_, i) => new BlockingCoordinator({ id: `bench-idle-${i}`, store: context.store, secret: context.secret, swarmId: context.swarmId }),
  );
  const metrics = createMetrics({ registry: new Registry() });
  let unobserve: (() => void)[] = [];
  const switchMetrics = (on: boolean) => {
    for (const stop of unobserve) stop();
    unobserve = on ? [metrics.observeStore(context.store), ...fleet.map((c) => metrics.observeCoordinator(c))] : [];
  };
  const totals = { off: { cpuUs: 0, wallMs: 0, calls: new Map<string, number>() }, on: { cpuUs: 0, wallMs: 0, calls: new Map<string, number>() } };
  try {
    await Promise.all(fleet.map((c) => c.start()));
    await sleep(counts.settleMs);
    const windows = Math.max(1, Math.round(counts.windowMs / HEARTBEAT_MS));
    for (let w = 0; w < windows; w += 1) {
      for (const side of w % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
        switchMetrics(side === 'on');
        settledHeapUsed(); // what the switch left (a thousand observers made or dropped) is collected before the window, not in it
        const calls0 = await stats.read();
        const cpu0 = process.cpuUsage();
        const wall0 = performance.now();
        await sleep(HEARTBEAT_MS);
        const cpu = process.cpuUsage(cpu0);
        const wallMs = performance.now() - wall0;
        const calls = callsBetween(calls0, await stats.read());
        const total = totals[side];
        total.cpuUs += cpu.user + cpu.system;
        total.wallMs += wallMs;
        for (const [name, n] of calls) total.calls.set(name, (total.calls.get(name) ?? 0) + n);
      }
    }
    switchMetrics(false);
    const heapAfter = settledHeapUsed();
    const sideOf = (t: (typeof totals)['off']): FleetSide => {
      const all = [...t.calls.values()].reduce((sum, n) => sum + n, 0);
      const beats = t.calls.get('set') ?? 0;
      return {
        windowMs: Math.round(t.wallMs),
        commandsPerSec: all / (t.wallMs / 1_000),
        commandsByName: Object.fromEntries(t.calls),
        beats,
        cpuPercent: (t.cpuUs / 1_000 / t.wallMs) * 100,
        cpuUsPerBeat: beats > 0 ? t.cpuUs / beats : Number.NaN,
      };
    };
    return {
      coordinators: counts.coordinators,
      off: sideOf(totals.off),
      on: sideOf(totals.on),
      heapBytesPerCoordinator: (heapAfter - heapBefore) / counts.coordinators,
      heapBeforeBytes: heapBefore,
      heapAfterBytes: heapAfter,
    };
  } finally {
    switchMetrics(false);
    await Promise.allSettled(fleet.map((c) => c.stop()));
    stats.close();
  }
}
