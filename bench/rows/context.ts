import type { Store } from '../../src/index.js';
import { atMost, type Figure, type Target } from '../figures.js';
import type { Profile } from '../profile.js';
import type { ScenarioContext } from '../scenario.js';
import type { Summary } from '../stats.js';

/** What every row builder gets: the run's profile, the private Redis and a store on it. */
export interface BenchEnv {
  profile: Profile;
  /** A Rendezvous store on the private redis-server, shared by the rows. */
  store: Store;
  url: string;
  port: number;
  secret: string;
  log(message: string): void;
  /**
   * The physical floor measured at the start of the run (row 0): the raw push round trip, the
   * faster of its two shapes. Later rows show their p50 as a multiple of it.
   */
  floor?: Summary;
}

/** A scenario context on the env's store, in a swarm of its own. */
export function contextFor(env: BenchEnv, key: string, counts = { warmup: 0, measured: 0 }): ScenarioContext {
  return { store: env.store, swarmId: `bench-${process.pid}-${key}`, secret: env.secret, counts };
}

/** p50, p99 (µs) and rate (per second) of two latency summaries, side by side. */
export function latencyFigures(ours: Summary, bullmq: Summary | undefined, p50Target?: Target, rateUnit = '/s', p99Target?: Target): Figure[] {
  const p50: Figure = { metric: 'p50', unit: 'µs', ours: ours.p50Us, ...(bullmq ? { bullmq: bullmq.p50Us } : {}), ...(p50Target ? { target: p50Target } : {}) };
  return [
    p50,
    { metric: 'p99', unit: 'µs', ours: ours.p99Us, ...(bullmq ? { bullmq: bullmq.p99Us } : {}), ...(p99Target ? { target: p99Target } : {}) },
    { metric: 'rate', unit: rateUnit, ours: ours.ratePerSec, ...(bullmq ? { bullmq: bullmq.ratePerSec } : {}) },
  ];
}

/** Target on a p50 as a multiple of the floor (issue 16): <= 1.5×. */
export const FLOOR_P50_TARGET: Target = { on: 'ours', op: '<=', limit: 1.5, label: '<= 1.5× floor' };
/** Target on a round trip's p99 (issue 16): <= 1 ms. */
export const P99_TARGET = atMost(1_000, 'µs');

/** p50 ÷ the run's floor (row 0), with an optional target; nothing when the run has no floor. */
export function floorFigures(env: BenchEnv, ours: Summary, target?: Target): Figure[] {
  if (!env.floor) return [];
  return [{ metric: 'p50 ÷ floor', unit: '×', ours: ours.p50Us / env.floor.p50Us, decimals: 2, ...(target ? { target } : {}) }];
}

/** CPU time of this process per operation, µs, ours and (if measured) BullMQ's, side by side. */
export function cpuFigure(oursUs: number, bullmqUs?: number, what = 'op', target?: Target): Figure {
  return { metric: `CPU per ${what}`, unit: 'µs', ours: oursUs, ...(bullmqUs === undefined ? {} : { bullmq: bullmqUs }), ...(target ? { target } : {}) };
}
