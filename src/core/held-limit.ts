/**
 * Emitted as `held:limit` when an inbox reaches the most signals it holds in memory (10,000, or
 * `maxHeldBytes` of their stored JSON), once each time (again only after it fell below half).
 * `pending`: verified signals no wait has taken; newer ones stay in the store until waits take
 * some. `handed_out`: signals waits returned and nobody acknowledged; the oldest are forgotten
 * here, their entries stay pending in the store and a later catch-up delivers them again.
 */
export interface HeldLimitEvent {
  held: 'pending' | 'handed_out';
  coordinatorId: string;
  /** Signals of that kind held when it tripped, and their stored JSON's characters. */
  signals: number;
  bytes: number;
  /** The limits: 10,000 signals, and the coordinator's maxHeldBytes. */
  maxSignals: number;
  maxHeldBytes: number;
}
