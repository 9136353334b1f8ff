import { spawn } from 'node:child_process';
import { TS_CHILD_ARGS } from '../build/child-args.js';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { startRedis } from '../../test/support/redis-server.js';
import { percentile } from '../stats.js';

export interface FleetCounts {
  coordinators: number;
  /** Row 5m: time after the last initialize() before its windows open (half a heartbeat interval). */
  settleMs: number;
  /** Row 5: beats before the first window: whole heartbeat intervals and a half, so that windows' edges fall between beat cycles. */
  warmupMs: number;
  /** Row 5: windows measured one after another on each side (metrics off, on); the row's figure is their median (an odd count). */
  windows: number;
  /** Each window: a whole number of heartbeat intervals. */
  windowMs: number;
}

/** What one side (metrics off or on) measured over its windows. */
export interface FleetSide {
  /** All windows together. */
  windowMs: number;
  /** Redis commands per second (INFO commandstats delta, INFO itself excluded). */
  commandsPerSec: number;
  commandsByName: Record<string, number>;
  /** Heartbeats written: SET calls (one per beat; an idle coordinator writes nothing else with SET). */
  beats: number;
  /** CPU time of the fleet's process over wall time, % of one core. */
  cpuPercent: number;
  /** CPU time of the fleet's process per heartbeat written, µs: the median window's (steady state: a one-off collection falls in one window). */
  cpuUsPerBeat: number;
  /** The same over all windows together: what a fleet's first minutes cost, one-off collections included. */
  cpuUsPerBeatAll: number;
  /** Each window's CPU per heartbeat, µs, in order. */
  cpuUsPerBeatByWindow: number[];
  /** The windows' garbage collections: major (mark-compact) and minor (scavenges and the rest), with their main-thread pauses, ms. */
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

/** One window as bench/fixtures/idle-fleet.ts prints it. */
export interface WindowReport {
  wallMs: number;
  cpuUs: number;
  commandsByName: Record<string, number>;
  gc: WindowCollections;
}

/** What bench/fixtures/idle-fleet.ts prints. */
interface FleetReport {
  windows: WindowReport[];
  heapBeforeBytes: number;
  heapAfterBytes: number;
}

/**
 * Two fleets of idle coordinators (initialized, heartbeating at the default interval, not
 * waiting), metrics off and on (createMetrics observing every coordinator and the store from the
 * start), each in a process and on a redis-server of its own, side by side: the same machine at
 * the same time, each side's CPU and commands its own, and no switching of metrics under running
 * code. Each beats for `warmupMs` first, then is measured over `windows` windows of `windowMs`; the
 * heap is the metrics-off side's.
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
        WINDOWS: String(counts.windows),
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

const sum = (values: readonly number[]): number => values.reduce((total, n) => total + n, 0);

function sideOf(report: FleetReport): FleetSide {
  const { windows } = report;
  const commandsByName: Record<string, number> = {};
  for (const window of windows) for (const [name, n] of Object.entries(window.commandsByName)) commandsByName[name] = (commandsByName[name] ?? 0) + n;
  const wallMs = sum(windows.map((w) => w.wallMs));
  const cpuUs = sum(windows.map((w) => w.cpuUs));
  const beats = commandsByName.set ?? 0;
  const byWindow = windows.map((w) => (w.commandsByName.set ? w.cpuUs / w.commandsByName.set : Number.NaN));
  return {
    windowMs: Math.round(wallMs),
    commandsPerSec: sum(Object.values(commandsByName)) / (wallMs / 1_000),
    commandsByName,
    beats,
    cpuPercent: (cpuUs / 1_000 / wallMs) * 100,
    cpuUsPerBeat: percentile([...byWindow].sort((a, b) => a - b), 50),
    cpuUsPerBeatAll: beats > 0 ? cpuUs / beats : Number.NaN,
    cpuUsPerBeatByWindow: byWindow.map((us) => Math.round(us * 10) / 10),
    gc: {
      major: sum(windows.map((w) => w.gc.major)),
      majorMs: sum(windows.map((w) => w.gc.majorMs)),
      minor: sum(windows.map((w) => w.gc.minor)),
      minorMs: sum(windows.map((w) => w.gc.minorMs)),
    },
  };
}
