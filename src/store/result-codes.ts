/**
 * The codes store operations answer with, named once. The memory store returns them, the Redis
 * scripts return them, and the script modules (redis/scripts/) read them. The scripts take them
 * from a `result-codes` include generated from this table (redis/lua-source.ts) rather than from
 * a copy kept by hand or from ARGV: one source, nothing to pass on every call, and a script that
 * names a code the table lacks reads nil, which the Redis conformance run shows at once.
 */
export const RESULT_CODES = {
  /** A newer supervisor term (or epoch 0, no term at all) wrote into the slot: the write is refused. */
  FENCED: -1,
  /** escalate: this call escalated. */
  CREATED: 1,
  /** escalate: an earlier call did; its replacement is returned. */
  EXISTING: 0,
  /** mark-spawned: the spawn request is marked carried out. */
  MARKED: 1,
  /** mark-spawned: there is no such spawn request. */
  NO_REQUEST: 0,
  /** append-signal: the signal was appended. */
  APPENDED: 0,
  /** append-signal: its idempotency key was taken already (by a send, or by a forger: the caller verifies). */
  DUPLICATE: 1,
  /** append-signal: the sender sent its most signals to this receiver this second. */
  RATE_LIMITED: 2,
  /** append-signal: the receiver's inbox holds its most entries. */
  INBOX_FULL: 3,
  /** fenced-write: refused by the slot's fence (a higher epoch wrote there). */
  REFUSED_BY_FENCE: 1,
  /** fenced-write: refused by the namespace's term (the lease is not under this epoch, the counter is above it, or the epoch is 0). */
  REFUSED_BY_TERM: 2,
} as const;

export type ResultCode = (typeof RESULT_CODES)[keyof typeof RESULT_CODES];
