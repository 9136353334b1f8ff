import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { BlockingCoordinator, createMetrics, type Store } from '../../src/index.js';
import type { Sequential, Step } from '../alternate.js';
import { withLoops } from '../coordinators.js';
import type { Figure, Row } from '../figures.js';
import { runCount, type Timed } from '../load.js';
import { fanInRound, startFanInGroup, type FanInGroup } from '../scenarios/fan-in.js';
import { roundTrip, startPair } from '../scenarios/round-trip.js';
import type { Counts } from '../profile.js';
import { summarize, type Summary } from '../stats.js';
import { elapsedUs, mark } from '../timer.js';
import { settledHeapUsed } from '../gc.js';
import { contextFor, type BenchEnv } from './context.js';

/** Timed blocks per side: metrics on, off and the control take turns on the same coordinators. */
const BLOCKS = 12;
/** Rows 3m and 5m: fewer, longer blocks (a burst block is many rounds; a fleet block whole heartbeat intervals). */
const BURST_BLOCKS = 6;
const HEARTBEAT_MS = 5_000;

/**
 * Metrics on or off for a set of coordinators and their store, switched between blocks: the same
 * coordinators, connection and swarm on both sides, so the difference is the metrics alone.
 * "On" is what an application does: every coordinator and the store observed, into a registry.
 */
class MetricsSwitch {
  readonly #metrics = createMetrics({ registry: new Registry() });
  readonly #coordinators: readonly BlockingCoordinator[];
  readonly #store: Store;
  #unobserve: (() => void)[] | undefined;

  constructor(coordinators: readonly BlockingCoordinator[], store: Store) {
    this.#coordinators = coordinators;
    this.#store = store;
  }

  set(on: boolean): void {
    if (on === (this.#unobserve !== undefined)) return;
    if (on) this.#unobserve = [...this.#coordinators.map((c) => this.#metrics.observeCoordinator(c)), this.#metrics.observeStore(this.#store)];
    else {
      for (const unobserve of this.#unobserve!) unobserve();
      this.#unobserve = undefined;
    }
  }

  /** A scrape, so the run shows the registry holds what it recorded. */
  scrape(): Promise<string> {
    return this.#metrics.registry.metrics();
  }
}

/**
 * Each row runs three sides in its alternating blocks: metrics on, off, and off again (the
 * control). What the control differs from "off" by is this machine's noise in this run, the yardstick
 * for what "on" differs by.
 */
const SIDES = ['on', 'off', 'control'] as const;
type Side = (typeof SIDES)[number];

/** The sides in block `block`'s order: rotated every block, so each goes first as often as the others. */
function orderOf(block: number): Side[] {
  const k = block % SIDES.length;
  return [...SIDES.slice(k), ...SIDES.slice(0, k)];
}

/**
 * Sequential steps of each side in `blocks` blocks whose order rotates (alternate.ts reverses it,
 * which with three sides would keep one in the middle for ever), after an untimed warm-up of each.
 */
async function rotate(counts: Counts, blocks: number, steps: Record<Side, Step>): Promise<Record<Side, Sequential>> {
  const result = Object.fromEntries(SIDES.map((side) => [side, { samplesUs: [] as number[], elapsedMs: 0 }])) as Record<Side, Sequential>;
  let n = 0;
  for (const side of SIDES) for (let i = 0; i < counts.warmup; i += 1) await steps[side](n++);
  for (let block = 0; block < blocks; block += 1) {
    const size = Math.floor(((block + 1) * counts.measured) / blocks) - Math.floor((block * counts.measured) / blocks);
    for (const side of orderOf(block)) {
      const blockStart = mark();
      for (let i = 0; i < size; i += 1) {
        const start = mark();
        await steps[side](n++);
        result[side].samplesUs.push(elapsedUs(start));
      }
      result[side].elapsedMs += elapsedUs(blockStart) / 1_000;
    }
  }
  return result;
}

/** p50 and p99 with metrics on and off, what metrics added, and what the control differed by (noise). */
function onOffFigures(s: Record<Side, Summary>, rateUnit?: string): Figure[] {
  const figures: Figure[] = [];
  for (const [name, of] of [['p50', (x: Summary) => x.p50Us], ['p99', (x: Summary) => x.p99Us]] as const) {
    figures.push(
      { metric: `${name} on`, unit: 'µs', ours: of(s.on) },
      { metric: `${name} off`, unit: 'µs', ours: of(s.off) },
      { metric: `${name} added`, unit: 'µs', ours: of(s.on) - of(s.off) },
      { metric: `${name} noise (control - off)`, unit: 'µs', ours: of(s.control) - of(s.off) },
    );
  }
  if (rateUnit) figures.push({ metric: 'rate on', unit: rateUnit, ours: s.on.ratePerSec }, { metric: 'rate off', unit: rateUnit, ours: s.off.ratePerSec }, { metric: 'rate control', unit: rateUnit, ours: s.control.ratePerSec });
  return figures;
}

/** Row 1m: the round trip of row 1, metrics on and off in alternating blocks. */
async function roundTripRow(env: BenchEnv): Promise<Row> {
  const counts = env.profile.roundTrip;
  env.log(`  1m round trip, metrics on and off: ${counts.warmup} warm-up + ${counts.measured} timed each, in ${BLOCKS} alternating blocks ...`);
  const { sender, receiverId, coordinators, loops } = await startPair(contextFor(env, 'round-trip-metrics'));
  const metrics = new MetricsSwitch(coordinators, env.store);
  const step = (side: Side) => (n: number) => {
    metrics.set(side === 'on');
    return roundTrip(sender, receiverId, n);
  };
  const { on, off, control } = await withLoops(coordinators, loops, () => rotate(counts, BLOCKS, { on: step('on'), off: step('off'), control: step('control') }));
  metrics.set(false);
  const scraped = (await metrics.scrape()).length;
  const summary = (s: Sequential) => summarize(s.samplesUs, s.elapsedMs);
  return {
    id: '1m',
    key: 'round-trip-metrics',
    title: 'round trip, metrics on vs off',
    figures: onOffFigures({ on: summary(on), off: summary(off), control: summary(control) }),
    samples: { ours: on.samplesUs },
    details: { ...counts, blocks: BLOCKS, sides: SIDES, scrapeBytes: scraped },
  };
}

/** Row 3m: the fan-in burst of row 3 (answers in ACKs), metrics on and off in alternating blocks of rounds. */
async function burstRow(env: BenchEnv): Promise<Row> {
  const counts = env.profile.burst;
  env.log(`  3m fan-in burst, metrics on and off: ${counts.inFlight} in flight, ${counts.warmup} warm-up + ${counts.rounds} timed each, in ${BURST_BLOCKS} alternating blocks ...`);
  const context = contextFor(env, 'burst-metrics');
  const groups: FanInGroup[] = [];
  for (let g = 0; g < counts.inFlight; g += 1) groups.push(await startFanInGroup(context, `-m${g}`, 'ack'));
  const coordinators = groups.flatMap((group) => group.coordinators);
  const metrics = new MetricsSwitch(coordinators, env.store);
  let iteration = 0;
  const burst = (rounds: number) => runCount(counts.inFlight, rounds, (loop) => fanInRound(groups[loop]!, iteration++));
  const sides: Record<Side, Timed> = { on: { samplesUs: [], elapsedMs: 0 }, off: { samplesUs: [], elapsedMs: 0 }, control: { samplesUs: [], elapsedMs: 0 } };
  await withLoops(coordinators, (stop) => groups.flatMap((group) => group.loops(stop)), async () => {
    for (const side of SIDES) {
      metrics.set(side === 'on');
      await burst(counts.warmup);
    }
    for (let block = 0; block < BURST_BLOCKS; block += 1) {
      for (const side of orderOf(block)) {
        metrics.set(side === 'on');
        settledHeapUsed(); // what switching left behind is collected before the block, not in it
        const timed = await burst(Math.round(counts.rounds / BURST_BLOCKS));
        sides[side].samplesUs.push(...timed.samplesUs);
        sides[side].elapsedMs += timed.elapsedMs;
      }
    }
  });
  metrics.set(false);
  return {
    id: '3m',
    key: 'fan-in-burst-metrics',
    title: `fan-in burst (${counts.inFlight} in flight), metrics on vs off`,
    figures: onOffFigures({ on: summarize(sides.on.samplesUs, sides.on.elapsedMs), off: summarize(sides.off.samplesUs, sides.off.elapsedMs), control: summarize(sides.control.samplesUs, sides.control.elapsedMs) }, 'rounds/s'),
    samples: { ours: sides.on.samplesUs },
    details: { ...counts, blocks: BURST_BLOCKS },
  };
}

/** Row 5m: the idle fleet of row 5, its CPU with metrics on and off, in alternating windows of whole heartbeat intervals. */
async function fleetRow(env: BenchEnv): Promise<Row> {
  const counts = env.profile.fleet;
  const blocks = Math.min(4, Math.max(2, Math.round(counts.windowMs / HEARTBEAT_MS)));
  env.log(`  5m idle fleet, metrics on and off: ${counts.coordinators} coordinators, ${blocks} windows of ${HEARTBEAT_MS} ms each ...`);
  const context = contextFor(env, 'fleet-metrics');
  const fleet = Array.from({ length: counts.coordinators }, (_, i) => new BlockingCoordinator({ id: `bench-idle-m${i}`, store: env.store, secret: context.secret, swarmId: context.swarmId }));
  const metrics = new MetricsSwitch(fleet, env.store);
  const cpuMs = { on: 0, off: 0, control: 0 };
  const wallMs = { on: 0, off: 0, control: 0 };
  try {
    await Promise.all(fleet.map((c) => c.start()));
    await sleep(counts.settleMs);
    for (let block = 0; block < blocks; block += 1) {
      for (const side of orderOf(block)) {
        metrics.set(side === 'on');
        settledHeapUsed(); // what switching left behind is collected before the window, not in it
        const cpu0 = process.cpuUsage();
        const wall0 = performance.now();
        await sleep(HEARTBEAT_MS);
        const cpu = process.cpuUsage(cpu0);
        cpuMs[side] += (cpu.user + cpu.system) / 1_000;
        wallMs[side] += performance.now() - wall0;
      }
    }
  } finally {
    metrics.set(false);
    await Promise.allSettled(fleet.map((c) => c.stop()));
  }
  const percent = (side: Side) => (cpuMs[side] / wallMs[side]) * 100;
  return {
    id: '5m',
    key: 'heartbeats-metrics',
    title: `heartbeats, ${counts.coordinators.toLocaleString('en-US')} coordinators, metrics on vs off`,
    figures: [
      { metric: 'CPU on', unit: '% of a core', ours: percent('on'), decimals: 2 },
      { metric: 'CPU off', unit: '% of a core', ours: percent('off'), decimals: 2 },
      { metric: 'CPU added', unit: '% of a core', ours: percent('on') - percent('off'), decimals: 2 },
      { metric: 'CPU noise (control - off)', unit: '% of a core', ours: percent('control') - percent('off'), decimals: 2 },
    ],
    details: { ...counts, blocks, windowMs: HEARTBEAT_MS },
  };
}

/** `--metrics`: rows 1, 3 and 5 with metrics on and off, each side in alternating blocks of one run. */
export async function metricsRows(env: BenchEnv): Promise<Row[]> {
  return [await roundTripRow(env), await burstRow(env), await fleetRow(env)];
}
