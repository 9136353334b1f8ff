import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { BlockingCoordinator, createMetrics, createStore, type Store } from '../../src/index.js';
import { withLoops } from '../coordinators.js';
import type { Figure, Row } from '../figures.js';
import { runCount, type Timed } from '../load.js';
import { fanInRound, startFanInGroup, type FanInGroup } from '../scenarios/fan-in.js';
import { roundTrip, startPair, type Pair } from '../scenarios/round-trip.js';
import type { ScenarioContext } from '../scenario.js';
import { summarize, type Summary } from '../stats.js';
import { elapsedUs, mark } from '../timer.js';
import { settledHeapUsed } from '../gc.js';
import { contextFor, type BenchEnv } from './context.js';

/** Row 1m's timed blocks, each with three fresh pairs (on, off, control). */
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

/**
 * The six orders of the three sides, the first three each a rotation: the order of row 1m's pairs
 * and trips, of row 3m's bursts and of row 5m's windows, taken in turn so that each side goes first
 * as often as the others.
 */
const PERMUTATIONS: readonly Side[][] = [
  ['on', 'off', 'control'],
  ['off', 'control', 'on'],
  ['control', 'on', 'off'],
  ['on', 'control', 'off'],
  ['control', 'off', 'on'],
  ['off', 'on', 'control'],
];

/** The sides in the order of turn `n`. */
function orderOf(n: number): readonly Side[] {
  return PERMUTATIONS[n % PERMUTATIONS.length]!;
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

/** One side of row 1m: a pair on a store of its own, observed from its start when the side is "on". */
interface RoundTripSide {
  pair: Pair;
  registry: Registry | undefined;
  close(): Promise<void>;
}

async function startRoundTripSide(env: BenchEnv, side: Side, block: number): Promise<RoundTripSide> {
  const store = await createStore({ url: env.url });
  const metrics = side === 'on' ? createMetrics({ registry: new Registry() }) : undefined;
  const unobserve = metrics ? [metrics.observeStore(store)] : [];
  const key = `round-trip-metrics-${side}-${block + 1}`;
  try {
    const pair = await startPair({ ...contextFor(env, key), store, idSuffix: `-${side}${block + 1}`, ...(metrics ? { observe: (c) => void unobserve.push(metrics.observeCoordinator(c)) } : {}) });
    return {
      pair,
      registry: metrics?.registry,
      async close() {
        for (const stop of unobserve) stop();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/**
 * Row 1m: the round trip of row 1 as an application runs it, metrics on from the start or never.
 * Each block makes three pairs afresh, each on a store of its own (its own connections): "on"
 * observed by a registry from its start, "off" and the control never; nothing is switched. Their
 * round trips interleave trip by trip, the three in each of the six orders in turn, so a slow
 * stretch of the machine falls on all three alike. The order in which a block makes its pairs
 * rotates through the six too: the pair made first reads a few µs slower here with nothing
 * observed (bench/tools/metrics-paired.ts, `--only=none`), which no side may keep. A first,
 * untimed block warms the code up.
 */
async function roundTripRow(env: BenchEnv): Promise<Row> {
  const counts = env.profile.roundTrip;
  const blockWarmup = Math.max(100, Math.round(counts.warmup / BLOCKS));
  env.log(`  1m round trip, metrics on and off: ${counts.measured} timed each, in ${BLOCKS} blocks of three fresh pairs (${blockWarmup} warm-up trips each), trips interleaved ...`);
  const samples: Record<Side, number[]> = { on: [], off: [], control: [] };
  const elapsedMs: Record<Side, number> = { on: 0, off: 0, control: 0 };
  /** on − off and control − off of the same interleaved turn: what the machine did meanwhile falls on both. */
  const paired = { added: [] as number[], noise: [] as number[] };
  let scrapeBytes = 0;
  let n = 0;
  for (let block = -1; block < BLOCKS; block += 1) {
    const creation = orderOf(block + PERMUTATIONS.length);
    const sides = {} as Record<Side, RoundTripSide>;
    try {
      for (const side of creation) sides[side] = await startRoundTripSide(env, side, block);
      const all = SIDES.map((side) => sides[side].pair);
      await withLoops(all.flatMap((p) => p.coordinators), (stop) => all.flatMap((p) => p.loops(stop)), async () => {
        const trip = (side: Side) => roundTrip(sides[side].pair.sender, sides[side].pair.receiverId, n++);
        for (let i = 0; i < (block < 0 ? counts.warmup : blockWarmup); i += 1) for (const side of orderOf(i)) await trip(side);
        if (block < 0) return;
        const size = Math.floor(((block + 1) * counts.measured) / BLOCKS) - Math.floor((block * counts.measured) / BLOCKS);
        const turn = {} as Record<Side, number>;
        for (let i = 0; i < size; i += 1) {
          for (const side of orderOf(i)) {
            const start = mark();
            await trip(side);
            turn[side] = elapsedUs(start);
            samples[side].push(turn[side]);
            elapsedMs[side] += turn[side] / 1_000;
          }
          paired.added.push(turn.on - turn.off);
          paired.noise.push(turn.control - turn.off);
        }
      });
      if (block === BLOCKS - 1) scrapeBytes = (await sides.on.registry!.metrics()).length;
    } finally {
      await Promise.allSettled(Object.values(sides).map((s) => s.close()));
    }
  }
  const median = (values: number[]) => summarize(values, 0).p50Us;
  return {
    id: '1m',
    key: 'round-trip-metrics',
    title: 'round trip, metrics on vs off',
    figures: [
      ...onOffFigures({ on: summarize(samples.on, elapsedMs.on), off: summarize(samples.off, elapsedMs.off), control: summarize(samples.control, elapsedMs.control) }),
      { metric: 'added, median of paired turns', unit: 'µs', ours: median(paired.added), decimals: 1 },
      { metric: 'noise, median of paired turns (control - off)', unit: 'µs', ours: median(paired.noise), decimals: 1 },
    ],
    samples: { ours: samples.on },
    details: { ...counts, blocks: BLOCKS, blockWarmup, sides: SIDES, scrapeBytes },
  };
}

/** One side of row 3m: its own store and fan-in groups, observed from their start when the side is "on". */
interface BurstSide {
  groups: FanInGroup[];
  close(): Promise<void>;
}

async function startBurstSides(env: BenchEnv, inFlight: number): Promise<Record<Side, BurstSide>> {
  const sides = {} as Record<Side, BurstSide & { context: ScenarioContext }>;
  for (const side of SIDES) {
    const store = await createStore({ url: env.url });
    const metrics = side === 'on' ? createMetrics({ registry: new Registry() }) : undefined;
    const unobserve = metrics ? [metrics.observeStore(store)] : [];
    const context: ScenarioContext = { ...contextFor(env, `burst-metrics-${side}`), store, ...(metrics ? { observe: (c) => void unobserve.push(metrics.observeCoordinator(c)) } : {}) };
    sides[side] = {
      context,
      groups: [],
      async close() {
        for (const stop of unobserve) stop();
        await store.close();
      },
    };
  }
  // The sides' groups are made in turns, in a rotating order: none is made all first.
  for (let g = 0; g < inFlight; g += 1) {
    for (const side of orderOf(g)) sides[side].groups.push(await startFanInGroup(sides[side].context, `-${side}${g}`, 'ack'));
  }
  return sides;
}

/**
 * Row 3m: the fan-in burst of row 3 (answers in ACKs), each side with a store and 50 groups of
 * its own, "on" observed from their start, nothing switched; whole bursts of each side take
 * turns, in each of the six orders once.
 */
async function burstRow(env: BenchEnv): Promise<Row> {
  const counts = env.profile.burst;
  env.log(`  3m fan-in burst, metrics on and off: ${counts.inFlight} in flight per side, ${counts.warmup} warm-up + ${counts.rounds} timed each, in ${BURST_BLOCKS} blocks ...`);
  const sides = await startBurstSides(env, counts.inFlight);
  const timedBy: Record<Side, Timed> = { on: { samplesUs: [], elapsedMs: 0 }, off: { samplesUs: [], elapsedMs: 0 }, control: { samplesUs: [], elapsedMs: 0 } };
  let iteration = 0;
  const burst = (side: Side, rounds: number) => runCount(counts.inFlight, rounds, (loop) => fanInRound(sides[side].groups[loop]!, iteration++));
  const groups = SIDES.flatMap((side) => sides[side].groups);
  try {
    await withLoops(groups.flatMap((group) => group.coordinators), (stop) => groups.flatMap((group) => group.loops(stop)), async () => {
      for (const side of SIDES) await burst(side, counts.warmup);
      for (let block = 0; block < BURST_BLOCKS; block += 1) {
        for (const side of orderOf(block)) {
          settledHeapUsed(); // the previous block's garbage is collected before this one, not in it
          const timed = await burst(side, Math.round(counts.rounds / BURST_BLOCKS));
          timedBy[side].samplesUs.push(...timed.samplesUs);
          timedBy[side].elapsedMs += timed.elapsedMs;
        }
      }
    });
  } finally {
    await Promise.allSettled(SIDES.map((side) => sides[side].close()));
  }
  const summary = (side: Side) => summarize(timedBy[side].samplesUs, timedBy[side].elapsedMs);
  return {
    id: '3m',
    key: 'fan-in-burst-metrics',
    title: `fan-in burst (${counts.inFlight} in flight), metrics on vs off`,
    figures: onOffFigures({ on: summary('on'), off: summary('off'), control: summary('control') }, 'rounds/s'),
    samples: { ours: timedBy.on.samplesUs },
    details: { ...counts, blocks: BURST_BLOCKS },
  };
}

/** Row 5m: the idle fleet of row 5, its CPU with metrics on and off, in alternating windows of whole heartbeat intervals. */
async function fleetRow(env: BenchEnv): Promise<Row> {
  const counts = env.profile.fleet;
  const blocks = Math.min(4, Math.max(2, Math.round((counts.windows * counts.windowMs) / HEARTBEAT_MS)));
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
