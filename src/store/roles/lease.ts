import type { AcquireResult, FencedOp, FencedResult, FencedWriteOptions, LeaseClaim, LeaseRelease, LeaseRenewal, LeaseState, WorkerRecord } from '../lease-types.js';
import type { StoreBase } from './base.js';
import type { BlockingRead, StreamEntry } from './common.js';

/** Leader election (supervision/global-coordinator.ts): the lease, its events, the workers, fenced writes. */
export interface LeaseStore extends StoreBase {
  /**
   * Takes the namespace's lease for `claim.worker` if nobody holds it (or the record held is the
   * forged one `claim.replace` names), under `claim.epoch` if that is above the epoch counter, with
   * server-side expiry after leaseMs, and appends the sealed `acquired` event. A lease the caller
   * still holds under another epoch than `knownEpoch` (it stepped down locally) is given up and
   * taken anew: every change of term gets a new epoch. The store checks no seal (it has no secret):
   * it stores them, and its readers verify them.
   */
  acquireLease(namespace: string, claim: LeaseClaim): Promise<AcquireResult>;

  /**
   * Extends the lease and stores its new renewal number and seal, if the worker still holds it
   * under `epoch` and the counter is not above it; false otherwise.
   */
  renewLease(namespace: string, renewal: LeaseRenewal): Promise<boolean>;

  /** Gives the lease up if the worker holds it under `epoch`, and tells the followers (a sealed `released` event). */
  releaseLease(namespace: string, release: LeaseRelease): Promise<boolean>;

  readLease(namespace: string): Promise<LeaseState>;

  /** Leadership events after `afterId` (acquired, released); blocks up to blockMs when none. */
  readLeaseEvents(namespace: string, afterId: string, read: BlockingRead): Promise<StreamEntry[]>;

  /** Records a worker's heartbeat and drops workers silent for workerTimeoutMs; returns the dropped ids. */
  touchWorker(namespace: string, worker: Omit<WorkerRecord, 'lastHeartbeat'>, workerTimeoutMs: number): Promise<string[]>;

  /** Workers heard from within workerTimeoutMs. */
  listWorkers(namespace: string, workerTimeoutMs: number): Promise<WorkerRecord[]>;

  removeWorker(namespace: string, workerId: string): Promise<void>;

  /**
   * Applies `ops` atomically only if `epoch` may write: it is not below the highest epoch that
   * wrote into the slot of `tag` (a fencing token), and, when `tag` is the namespace itself, it is
   * the lease's current epoch and the counter is not above it. All keys must carry the hash tag
   * `{tag}`. A refusal says what refused it and the epoch it found.
   */
  fencedWrite(namespace: string, tag: string, epoch: number, ops: readonly FencedOp[], options?: FencedWriteOptions): Promise<FencedResult>;
}
