/**
 * What the leader election signs (Redis is trusted for availability, not integrity: DESIGN.md,
 * "Trust"). The worker that takes or renews the lease seals its lease record, and every
 * leadership event it appends, with the coordinators' keyring; readers believe a record or an
 * event only once its seal verifies. Ids follow the id rule (no `:`), instances are hex and the
 * numbers are whole, so the colon-separated strings below are unambiguous.
 */

/**
 * The highest epoch there can be: epochs are whole numbers a JavaScript number (and a Lua one)
 * holds exactly. An epoch counter or a fence above it is not an epoch (it was written by hand).
 */
export const MAX_EPOCH = Number.MAX_SAFE_INTEGER;

/**
 * The epoch a stored string holds: 0 unless it is a whole number from 0 to MAX_EPOCH (only a
 * hand-written value is otherwise; it counts as lost). The scripts read epochs the same way
 * (redis/lua/includes/epoch-value.lua).
 */
export function epochFrom(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 0;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 && n <= MAX_EPOCH ? n : 0;
}

/**
 * The most an epoch may rise in one step above what a worker knows from signed records: a fence or
 * a counter further ahead cannot come from a term (terms raise the epoch by one, a worker following
 * a surviving fence by what some term had) and is treated as written by hand: not followed, and
 * replaced. No namespace has 2^32 terms, and one write of an attacker raises the epochs by at most
 * this much, so MAX_EPOCH is about 2^21 such writes (each one counted and logged) away.
 */
export const MAX_EPOCH_LEAP = 2 ** 32;

/** The fields of a lease record its holder signs. */
export interface LeaseSealFields {
  workerId: string;
  /** The holder's instance nonce (hex). */
  instance: string;
  epoch: number;
  /** The holder's lease, ms: a record not renewed for this long is over, whatever its TTL says. */
  leaseMs: number;
  /** 0 when the term began, one more at each renewal: a renewed record never looks like the last one. */
  renewal: number;
}

/** What a lease record's seal covers: `lease:<namespace>:<workerId>:<instance>:<epoch>:<leaseMs>:<renewal>`. */
export function leaseSigningString(namespace: string, f: LeaseSealFields): string {
  return `lease:${namespace}:${f.workerId}:${f.instance}:${f.epoch}:${f.leaseMs}:${f.renewal}`;
}

export type LeaseEventKind = 'acquired' | 'released';

/** What a leadership event's seal covers: `lease-event:<namespace>:<event>:<workerId>:<epoch>`. */
export function leaseEventSigningString(namespace: string, event: LeaseEventKind, workerId: string, epoch: number): string {
  return `lease-event:${namespace}:${event}:${workerId}:${epoch}`;
}
