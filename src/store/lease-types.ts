/** Types of the Store port's leader-election operations (see port.ts). */

/** Who holds or asks for a lease: the worker id, and a nonce of this process's instance of it. */
export interface LeaseHolder {
  workerId: string;
  /** Two processes started with one worker id never take the lease from each other as if it were theirs. */
  instance: string;
}

/** The lease of a namespace as the store sees it, on the store's clock. */
export interface LeaseState {
  /** The leader's worker id, or null when nobody holds the lease. */
  holder: string | null;
  /** The holder's epoch (the last one handed out when nobody holds it). */
  epoch: number;
  /** Remaining lease, ms (0 when nobody holds it). */
  ttlMs: number;
  /** The newest leadership event id: block on events after it. */
  eventsCursor: string;
}

export interface AcquireResult extends LeaseState {
  /** This call made the caller the leader with a new epoch. */
  acquired: boolean;
}

export interface WorkerRecord {
  workerId: string;
  /** Store ms of its last heartbeat. */
  lastHeartbeat: number;
  startTime: number;
  plugins: string[];
}

/** A write a leader makes only while its epoch is current (fencedWrite). Keys share the fence's slot. */
export type FencedOp =
  | { op: 'set'; key: string; value: string; ttlMs?: number }
  | { op: 'del'; key: string }
  | { op: 'hset'; key: string; fields: Record<string, string>; ttlMs?: number }
  /** Appends `body` to a stream (field `entry`), capped near maxLen. */
  | { op: 'xadd'; key: string; body: string; maxLen?: number; ttlMs?: number };

export interface FencedResult {
  applied: boolean;
  /** The epoch that stopped it (or the caller's when applied). */
  currentEpoch: number;
}
