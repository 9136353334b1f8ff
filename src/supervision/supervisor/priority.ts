import type { InboxRef } from '../../store/port.js';

/** The coordinators remembered as seen alive: enough for a large fleet (about 9 MB at most), bounded against a forged one. */
const MAX_REMEMBERED = 50_000;

/** A coordinator the check found dead past maxWarnings. */
export interface EscalationCandidate {
  owner: InboxRef;
  /** Store ms of its last sign of life. */
  lastSeen: number;
  /** This supervisor once saw a fresh heartbeat or activity record of its own (not only a registry score). */
  known: boolean;
}

/**
 * Coordinators this supervisor has seen alive by a record of their own (a heartbeat or an activity
 * record), the most recently seen kept when the bound is reached. A registry entry alone (one ZADD)
 * never makes a coordinator known.
 */
export class SeenAlive {
  readonly #seen = new Set<string>();

  note(owner: InboxRef): void {
    const key = `${owner.swarmId}:${owner.coordinatorId}`; // ids hold no ':', so the key is exact
    this.#seen.delete(key); // re-inserted: the oldest sighting is the first to go
    this.#seen.add(key);
    if (this.#seen.size > MAX_REMEMBERED) this.#seen.delete(this.#seen.values().next().value!);
  }

  has(owner: InboxRef): boolean {
    return this.#seen.has(`${owner.swarmId}:${owner.coordinatorId}`);
  }
}

/**
 * The order in which a capped check escalates: coordinators it knew alive first, then the most
 * recently seen. So a flood of forged registry entries (never seen alive, or with old scores) waits
 * behind a coordinator that really died.
 */
export function byPriority(a: EscalationCandidate, b: EscalationCandidate): number {
  if (a.known !== b.known) return a.known ? -1 : 1;
  return b.lastSeen - a.lastSeen;
}
