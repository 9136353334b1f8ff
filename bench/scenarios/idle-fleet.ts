import { spawn } from 'node:child_process';
import { TS_CHILD_ARGS } from '../build/child-args.js';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { startRedis } from '../../test/support/redis-server.js';

export interface FleetCounts {
  coordinators: number;
  /** Row 5m: time after the last initialize() before its windows open (half a heartbeat interval). */
  settleMs: number;
  /**
   * Row 5: beats before the window (V8 compiles the beat's code and settles its heap meanwhile):
   * whole heartbeat intervals and a half, so that the window's edges fall between beat cycles.
   */
  warmupMs: number;
  /** The measured window of each side (metrics off, on): a whole number of heartbeat intervals. */
  windowMs: number;
}

/** What one side (metrics off or on) measured over its window. */
export interface FleetSide {
  windowMs: number;
  /** Redis commands per second (INFO commandstats delta, INFO itself excluded). */
  commandsPerSec: number;
  commandsByName: Record<string, number>;
  /** Heartbeats written: SET calls (one per beat; an idle coordinator writes nothing else with SET). */
  beats: number;
  /** CPU time of the fleet's process over wall time, % of one core. */
  cpuPercent: number;
  /** CPU time of the fleet's process per heartbeat written, µs. */
  cpuUsPerBeat: number;
  /** The window's garbage collections: major (mark-compact) and minor (scavenges and the rest), with their main-thread pauses, ms. */
  gc: WindowCollections;
}

export interface WindowCollections {
  major: number;
  majorMs: number;
  minor: number;
  minorMs: number;
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

const FIXTURE = fileURLToPath(new URL('../fixtures/idle-fleet.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** What bench/fixtures/idle-fleet.ts prints. */
interface FleetReport {
  wallMs: number;
  cpuUs: number;
  commandsByName: Record<string, number>;
  heapBeforeBytes: number;
  heapAfterBytes: number;
  gc: WindowCollections;
}

/**
 * Two fleets of idle coordinators (initialized, heartbeating at the default interval, not
 * waiting), metrics off and on (createMetrics observing every coordinator and the store from the
 * start), each in a process and on a redis-server of its own, side by side: the same machine at
 * the same time, each side's CPU and commands its own, and no switching of metrics under running
 * code. Each beats for `warmupMs` first, then is measured for `windowMs`; the heap is the metrics-off
 * side's.
 */
export async function runIdleFleet(secret: string, counts: FleetCounts): Promise<FleetResult> {
  const [off, on] = await Promise.all([runFleet(secret, counts, false), runFleet(secret, counts, true)]);
  return {
    coordinators: counts.coordinators,
    off: sideOf(off),
    on: sideOf(on),
    heapBytesPerCoordinator: (off.heapAfterBytes - off.heapBeforeBytes) / counts.coordinators,
    heapBeforeBytes: off.heapBeforeBytes,
    heapAfterBytes: off.heapAfterBytes,
  };
}

async function runFleet(secret: string, counts: FleetCounts, metrics: boolean): Promise<FleetReport> {
  const server = await startRedis();
  try {
    const child = spawn(process.execPath, [...TS_CHILD_ARGS, FIXTURE], {
      cwd: ROOT,
      env: {
        ...process.env,
        RENDEZVOUS_LOG_LEVEL: process.env.RENDEZVOUS_LOG_LEVEL ?? 'warn',
        REDIS_URL: server.url,
        SECRET: secret,
        COORDINATORS: String(counts.coordinators),
        METRICS: metrics ? 'on' : 'off',
        WARMUP_MS: String(counts.warmupMs),
        WINDOW_MS: String(counts.windowMs),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const [code] = (await once(child, 'exit')) as [number | null];
    const line = /^\{"type":"result".*\}$/m.exec(output)?.[0];
    if (code !== 0 || line === undefined) throw new Error(`the idle fleet (metrics ${metrics ? 'on' : 'off'}) exited with ${String(code)} and no result`);
    return JSON.parse(line) as FleetReport;
  } finally {
    await server.stop();
  }
}

function sideOf(report: FleetReport): FleetSide {
  const all = Object.values(report.commandsByName).reduce((sum, n) => sum + n, 0);
  const beats = report.commandsByName.set ?? 0;
  return {
    windowMs: Math.round(report.wallMs),
    commandsPerSec: all / (report.wallMs / 1_000),
    commandsByName: report.commandsByName,
    beats,
    cpuPercent: (report.cpuUs / 1_000 / report.wallMs) * 100,
    cpuUsPerBeat: beats > 0 ? report.cpuUs / beats : Number.NaN,
    gc: report.gc,
  };
}
