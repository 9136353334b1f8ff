import type { CleanupCounts } from './scenarios/cleanup.js';
import type { BurstCounts } from './scenarios/fan-in-burst.js';
import type { FailoverCounts } from './scenarios/failover.js';
import type { FleetCounts } from './scenarios/idle-fleet.js';
import type { SettledCounts } from './scenarios/settled-memory.js';
import type { SupervisorCheckCounts } from './scenarios/supervisor-check.js';
import type { ThroughputCounts } from './scenarios/throughput.js';

/** How many iterations a sequential scenario runs; `--quick` is the short profile. */
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
  burst: BurstCounts;
  throughput: ThroughputCounts & { bullmqConcurrency: number };
  fleet: FleetCounts;
  failover: FailoverCounts;
  cleanup: CleanupCounts;
  settled: SettledCounts;
  supervisorCheck: Omit<SupervisorCheckCounts, 'silent'>;
}

export const PROFILES: Record<Profile['name'], Profile> = {
  full: {
    name: 'full',
    roundTrip: { warmup: 3_000, measured: 5_000 },
    fanIn: { warmup: 300, measured: 2_000 },
    burst: { inFlight: 50, warmup: 200, rounds: 1_000 },
    throughput: { pairs: 100, bullmqConcurrency: 50, warmupMs: 1_000, windowMs: 5_000 },
    fleet: { coordinators: 1_000, settleMs: 2_500, warmupMs: 117_500, windows: 3, windowMs: 15_000 },
    failover: { workers: 3, failovers: 5, leaseMs: 1_000 },
    cleanup: { stale: 10_000, live: 10 },
    settled: { roundTrips: 10_000, payloadBytes: 64 * 1_024 },
    supervisorCheck: { coordinators: 10_000, checks: 10 },
  },
  quick: {
    name: 'quick',
    roundTrip: { warmup: 1_000, measured: 1_000 },
    fanIn: { warmup: 100, measured: 300 },
    burst: { inFlight: 50, warmup: 100, rounds: 1_000 },
    throughput: { pairs: 100, bullmqConcurrency: 50, warmupMs: 500, windowMs: 2_000 },
    fleet: { coordinators: 1_000, settleMs: 2_500, warmupMs: 7_500, windows: 3, windowMs: 5_000 },
    failover: { workers: 3, failovers: 2, leaseMs: 1_000 },
    cleanup: { stale: 10_000, live: 10 },
    settled: { roundTrips: 2_000, payloadBytes: 64 * 1_024 },
    supervisorCheck: { coordinators: 10_000, checks: 3 },
  },
};
