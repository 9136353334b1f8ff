/** How many iterations each scenario runs; `--quick` is the short profile. */
export interface Counts {
  /** Iterations run first and discarded (connections, JIT, script cache). */
  warmup: number;
  /** Iterations timed. */
  measured: number;
}

export interface Profile {
  name: 'full' | 'quick';
  roundTrip: Counts;
  fanIn: Counts;
}

export const PROFILES: Record<Profile['name'], Profile> = {
  full: { name: 'full', roundTrip: { warmup: 3_000, measured: 5_000 }, fanIn: { warmup: 200, measured: 2_000 } },
  quick: { name: 'quick', roundTrip: { warmup: 200, measured: 1_000 }, fanIn: { warmup: 50, measured: 300 } },
};
