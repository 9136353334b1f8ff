import type { CoordinatorStatus } from '../../protocol/heartbeat.js';

/** A coordinator as the ops API shows it (the contract's CoordinatorView). */
export interface CoordinatorView {
  id: string;
  swarmId: string;
  state: 'alive' | 'warned' | 'dead' | 'replaced';
  status: CoordinatorStatus | null;
  phase: string | null;
  iteration: number | null;
  /** Store ms of its last sign of life. */
  lastSeen: number;
  heartbeatAgeMs: number;
  waitingFor: string[];
  /** Entries in its inbox (signals not yet acknowledged). */
  pendingSignals: number;
  warnings: number;
  replacedBy: string | null;
  replaces: string | null;
}

export interface SwarmView {
  swarmId: string;
  coordinators: CoordinatorView[];
  deadlocks: { cycle: string[] }[];
}
