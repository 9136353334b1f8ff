/** The public types of the leader election (GlobalCoordinator). */

/** What `leader:changed` carries: this worker's view of the namespace's leader changed. */
export interface LeaderChangedEvent {
  namespace: string;
  previousLeader: string | null;
  newLeader: string | null;
  epoch: number;
  /** Wall-clock ms when this worker saw it (informational; no decision uses it). */
  timestamp: number;
}

/** What `lease:renewed` carries: this worker renewed its lease (same epoch). */
export interface LeaseRenewedEvent {
  namespace: string;
  epoch: number;
}

/** The events of a GlobalCoordinator. */
export interface GlobalCoordinatorEvents {
  'leader:changed': [event: LeaderChangedEvent];
  'lease:renewed': [event: LeaseRenewedEvent];
}

export interface LeaderWorkContext {
  /** The epoch of this leadership: pass it to `fenced()`. */
  epoch: number;
  /** Aborted the moment this worker stops being leader. */
  signal: AbortSignal;
}

/** A job that must run on one node only: told of leadership, and/or run periodically while leader. */
export interface CoordinatorPlugin {
  onGlobalLeaderChange?(isLeader: boolean, event: LeaderChangedEvent): void | Promise<void>;
  leaderWork?: {
    intervalMs: number;
    run(context: LeaderWorkContext): void | Promise<void>;
  };
}

export interface ActiveWorker {
  workerId: string;
  /** Store ms of its last heartbeat. */
  lastHeartbeat: number;
  startTime: number;
  plugins: string[];
  isLeader: boolean;
}

export interface GlobalCoordinatorMetrics {
  heartbeatCount: number;
  electionCount: number;
  leaderChanges: number;
  /** Wall-clock ms of the last worker heartbeat (0 before the first). */
  lastHeartbeatTime: number;
  workerRegistrations: number;
  workerTimeouts: number;
  renewFailures: number;
  fencedWrites: number;
  fencedRejections: number;
  /** Terms seen with an epoch below one seen before: the store lost the election's state (logged as a warning each time). */
  epochRegressions: number;
  /**
   * Lease records not believed (each counted once): a seal that does not verify, a record of an
   * ended term written back, a record nobody renewed for a whole lease, an epoch counter no term
   * can have set.
   */
  forgedLeases: number;
  /** Leadership events not believed: no valid seal, or a copy of an old term's event read while leading. */
  forgedEvents: number;
  /** Fenced writes of this worker's current term refused by a fence above it (each ends the term, or replaces an implausible fence). */
  fenceConflicts: number;
}
