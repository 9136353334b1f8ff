import type { Store } from '../../src/index.js';
import type { Figure, Target } from '../figures.js';
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
}

/** A scenario context on the env's store, in a swarm of its own. */
export function contextFor(env: BenchEnv, key: string, counts = { warmup: 0, measured: 0 }): ScenarioContext {
  return { store: env.store, swarmId: `bench-${process.pid}-${key}`, secret: env.secret, counts };
}

/** p50, p99 (µs) and rate (per second) of two latency summaries, side by side. */
export function latencyFigures(ours: Summary, bullmq: Summary | undefined, p50Target?: Target, rateUnit = '/s'): Figure[] {
  const p50: Figure = { metric: 'p50', unit: 'µs', ours: ours.p50Us, ...(bullmq ? { bullmq: bullmq.p50Us } : {}), ...(p50Target ? { target: p50Target } : {}) };
  return [
    p50,
    { metric: 'p99', unit: 'µs', ours: ours.p99Us, ...(bullmq ? { bullmq: bullmq.p99Us } : {}) },
    { metric: 'rate', unit: rateUnit, ours: ours.ratePerSec, ...(bullmq ? { bullmq: bullmq.ratePerSec } : {}) },
  ];
}
