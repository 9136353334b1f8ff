import type { AcquireResult, FencedOp, FencedResult, LeaseHolder, LeaseState, WorkerRecord } from '../lease-types.js';
import type { StoreBase } from './base.js';
import type { BlockingRead, StreamEntry } from './common.js';

/** Leader election (supervision/global-coordinator.ts): the lease, its events, the workers, fenced writes. */
export interface LeaseStore extends StoreBase {
  /**
   * Takes the namespace's lease if nobody holds it, with the next epoch (server-side expiry after
   * leaseMs). A lease the caller still holds under another epoch than `knownEpoch` (it stepped
   * down locally) is given up and taken anew: every change of term gets a new epoch. A new epoch is
   * above `epochFloor` (the highest the caller has seen) even when the store lost its counter, so
   * fencing tokens written in other slots, which may have survived, never outrank the new term.
   */
  acquireLease(namespace: string, worker: LeaseHolder, knownEpoch: number, leaseMs: number, epochFloor?: number): Promise<AcquireResult>;

  /** Extends the lease if `workerId` still holds it under `epoch`; false otherwise. */
  renewLease(namespace: string, worker: LeaseHolder, epoch: number, leaseMs: number): Promise<boolean>;

  /** Gives the lease up if `workerId` holds it under `epoch`, and tells the followers. */
  releaseLease(namespace: string, worker: LeaseHolder, epoch: number): Promise<boolean>;

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
   * the lease's current epoch. All keys must carry the hash tag `{tag}`.
   */
  fencedWrite(namespace: string, tag: string, epoch: number, ops: readonly FencedOp[]): Promise<FencedResult>;
}
