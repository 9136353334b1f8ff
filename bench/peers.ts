/**
 * Peer figures: what a user would pick instead. A peer is either measured in the same run on the
 * same Redis (`measured: true`) or a reference figure carried over from an earlier measurement.
 */
export interface Peer {
  /** What the peer does, e.g. "BullMQ job round trip (queue.add + waitUntilFinished)". */
  label: string;
  p50Us: number;
  p99Us?: number;
  /** False: a reference figure, not measured in this run. */
  measured: boolean;
  /** Where a reference figure comes from. */
  source?: string;
}

/** The reference row; a later issue replaces it with BullMQ measured in the same run. */
export const BULLMQ_ROUND_TRIP_REFERENCE: Peer = {
  label: 'BullMQ job round trip (queue.add + waitUntilFinished)',
  p50Us: 420,
  measured: false,
  source: 'measured here earlier',
};
