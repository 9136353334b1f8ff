import { randomBytes } from 'node:crypto';
import type { BlockingCoordinator, Store } from '../src/index.js';
import type { Counts } from './profile.js';

/** What a scenario gets: a store to run on and how many iterations to run. */
export interface ScenarioContext {
  store: Store;
  /** A swarm id no other scenario of this run uses. */
  swarmId: string;
  /** Signing secret shared by every coordinator of the run. */
  secret: string;
  counts: Counts;
  /** Called with each coordinator a scenario builds, before it starts (metrics on: bench/metrics-on.ts). */
  observe?: (coordinator: BlockingCoordinator) => void;
  /** Appended to every coordinator id a scenario builds, so two contexts on one Redis never share an id. */
  idSuffix?: string;
}

/** One timed iteration per sample, in microseconds, warm-up excluded. */
export interface ScenarioResult {
  name: string;
  /** What one sample is, e.g. "round trip". */
  unit: string;
  samplesUs: number[];
  /** Wall time of the timed loop, ms. */
  elapsedMs: number;
}

export interface Scenario {
  /** Short id used in the JSON file, e.g. `round-trip`. */
  id: string;
  run(context: ScenarioContext): Promise<ScenarioResult>;
}

/** Longest any single step may take before the benchmark gives up (a hang is a bug, not a sample). */
export const STEP_TIMEOUT_MS = 10_000;

export function newSecret(): string {
  return randomBytes(32).toString('hex');
}
