import Denque from 'denque';

/** Signals stamped this long after an instance started cannot have been acknowledged by an earlier one. */
const EARLIER_INSTANCE_MARGIN_MS = 1_000;
/** Most messageIds remembered; beyond, the oldest are forgotten and the store answers for them. */
const MAX_REMEMBERED = 50_000;

/**
 * What this coordinator instance acknowledged, so that the replay check ("was this messageId
 * already acknowledged?") needs no store round trip for signals only it can have acknowledged:
 * those stamped after it started. Older signals, and any beyond what it remembers, are checked
 * in the store (the ACK key), which stays the record. Entries older than the replay window are
 * dropped: a replay of them fails the window check anyway.
 */
export class AckedMessages {
  readonly #acked = new Map<string, number>();
  /**
   * The keys of #acked, oldest first. The oldest is forgotten from here, not by walking the Map
   * from its start: that walk steps over every slot deleted since the Map was last rebuilt (18 µs
   * per remember at 50,000 entries).
   */
  readonly #order = new Denque<string>();
  readonly #replayWindowMs: number;
  /** Signals stamped at or before this need the store check. */
  #knownFrom = Number.POSITIVE_INFINITY;

  constructor(replayWindowMs: number) {
    this.#replayWindowMs = replayWindowMs;
  }

  /** This instance starts now (store clock): from a margin later on, it sees every ACK of its id. */
  startAt(now: number): void {
    this.#knownFrom = now + EARLIER_INSTANCE_MARGIN_MS;
  }

  /** true or false when this instance knows; undefined when the store must be asked. */
  wasAcknowledged(messageId: string, timestamp: number): boolean | undefined {
    return timestamp > this.#knownFrom ? this.#acked.has(messageId) : undefined;
  }

  remember(messageId: string, timestamp: number, now: number): void {
    if (!this.#acked.has(messageId)) this.#order.push(messageId);
    this.#acked.set(messageId, timestamp);
    const horizon = now - this.#replayWindowMs;
    for (let id = this.#order.peekFront(); id !== undefined; id = this.#order.peekFront()) {
      const stamped = this.#acked.get(id) ?? Number.NEGATIVE_INFINITY;
      const expired = stamped < horizon;
      if (!expired && this.#acked.size <= MAX_REMEMBERED) return;
      this.#order.shift();
      this.#acked.delete(id);
      if (!expired) this.#knownFrom = Math.max(this.#knownFrom, stamped);
    }
  }
}
