import type { RejectionReason } from '../protocol/rejection.js';

/** Counters of one coordinator (the Prometheus registry of the observability layer reads these). */
export interface CoordinatorMetrics {
  signalsSent: number;
  /** Sends answered with isDuplicate (same idempotency key). */
  duplicateSends: number;
  /** Verified signals that reached this coordinator's inbox. */
  signalsReceived: number;
  signalsRejected: Partial<Record<RejectionReason, number>>;
  acksSent: number;
  acksReceived: number;
  acksRejected: Partial<Record<RejectionReason, number>>;
  /** Idempotency and ACK records found in the store that no holder of the secret wrote: not believed. */
  forgedRecords: number;
  /** Times the inbox reached the most signals it holds in memory, pending or handed out (`held:limit`). */
  heldLimitReached: number;
  waitTimeouts: number;
  heartbeats: number;
  heartbeatFailures: number;
}

export function emptyMetrics(): CoordinatorMetrics {
  return {
    signalsSent: 0,
    duplicateSends: 0,
    signalsReceived: 0,
    signalsRejected: {},
    acksSent: 0,
    acksReceived: 0,
    acksRejected: {},
    forgedRecords: 0,
    heldLimitReached: 0,
    waitTimeouts: 0,
    heartbeats: 0,
    heartbeatFailures: 0,
  };
}

export function countRejection(counts: Partial<Record<RejectionReason, number>>, reason: RejectionReason): void {
  counts[reason] = (counts[reason] ?? 0) + 1;
}
