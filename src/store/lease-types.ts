/** Types of the Store port's leader-election operations (see port.ts). */

/** Who holds or asks for a lease: the worker id, and a nonce of this process's instance of it. */
export interface LeaseHolder {
  workerId: string;
  /** Two processes started with one worker id never take the lease from each other as if it were theirs. */
  instance: string;
}

/**
 * A lease record as stored, unverified: the store has no secret, so it cannot tell a forgery; the
 * election checks the seal. Each field is '' when missing, longer than 512 bytes (left out of the
 * reply) or when the key is not a hash.
 */
export interface StoredLease {
  workerId: string;
  instance: string;
  epoch: string;
  leaseMs: string;
  renewal: string;
  seal: string;
  /**
   * A digest of the key's type and of these fields as stored (whole): acquireLease replaces a record
   * its caller judged forged only while it still has this digest.
   */
  digest: string;
}

/** The lease of a namespace as the store sees it, on the store's clock. */
export interface LeaseState {
  /** The leader's worker id as stored (unverified), or null when nobody holds the lease (or its record names none). */
  holder: string | null;
  /** The holder's epoch as stored (the counter when nobody holds it; 0 when not a number). */
  epoch: number;
  /** Remaining lease, ms (0 when nobody holds it). */
  ttlMs: number;
  /** The newest leadership event id: block on events after it. */
  eventsCursor: string;
  /** The lease record as stored, null when nobody holds the lease. */
  record: StoredLease | null;
  /** The epoch counter: the last epoch handed out (0 when absent, or not an epoch up to MAX_EPOCH). */
  counter: number;
}

/**
 * What a worker asks acquireLease for: a term under `epoch`, with its record and its `acquired`
 * event sealed beforehand (the store cannot sign, so the worker proposes the epoch it signs).
 */
export interface LeaseClaim {
  worker: LeaseHolder;
  /** The epoch this worker leads under as far as it knows (0: none): its own lease under another epoch is given up. */
  knownEpoch: number;
  /** The new term's epoch: taken only if it is above the counter. */
  epoch: number;
  leaseMs: number;
  /** Seal of the record at renewal 0. */
  seal: string;
  /** Seal of the `acquired` event. */
  eventSeal: string;
  /** The digest of a record the caller judged forged: it is replaced if it is still exactly that one. */
  replace?: string;
  /** A counter value the caller judged written by hand: it counts as lost if it is still that value. */
  resetCounter?: number;
}

export interface AcquireResult extends LeaseState {
  /**
   * This call made the caller the leader under its epoch. When not, and the lease is free
   * (`record` null), the epoch was not above `counter`: propose again above it.
   */
  acquired: boolean;
}

/** A renewal: the lease extended and its record sealed again with the next renewal number. */
export interface LeaseRenewal {
  worker: LeaseHolder;
  epoch: number;
  leaseMs: number;
  renewal: number;
  /** Seal of the record with this renewal number. */
  seal: string;
}

/** A release: the lease given up, and a sealed `released` event appended. */
export interface LeaseRelease {
  worker: LeaseHolder;
  epoch: number;
  eventSeal: string;
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
  /**
   * What refused it: `fence`, the slot's fence holds `currentEpoch`, above the caller's epoch;
   * `term`, the namespace's lease is not under the caller's epoch, or its counter is above it (or
   * the epoch is 0). Absent when applied.
   */
  refusedBy?: 'fence' | 'term';
}

/** Options of a fenced write. */
export interface FencedWriteOptions {
  /** A fence epoch the caller judged written by hand: the slot's fence counts as absent while it holds exactly this. */
  replaceFence?: number;
}
