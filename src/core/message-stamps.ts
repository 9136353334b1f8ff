import type { StoreClock } from './store-clock.js';

/**
 * The timestamps a coordinator signs its signals with: store-clock ms plus a sequence number for
 * further signals in the same ms, so messageIds never collide and timestamps never run ahead of
 * the clock however fast a coordinator sends.
 */
export class MessageStamps {
  readonly #clock: StoreClock;
  #last = { timestamp: 0, seq: 0 };

  constructor(clock: StoreClock) {
    this.#clock = clock;
  }

  /**
   * A new instance starts here: a previous instance of this id stopped before now, so stamping
   * after now plus the clock's uncertainty keeps this instance's messageIds distinct from its.
   * The floor has seq -1, so the first stamp at it gets seq 0 (none).
   */
  startAfterNow(): void {
    this.#last = { timestamp: this.#clock.now() + Math.ceil(this.#clock.uncertaintyMs) + 1, seq: -1 };
  }

  next(): { timestamp: number; seq?: number } {
    const now = this.#clock.now();
    const last = this.#last;
    this.#last = now > last.timestamp ? { timestamp: now, seq: 0 } : { timestamp: last.timestamp, seq: last.seq + 1 };
    const { timestamp, seq } = this.#last;
    return seq === 0 ? { timestamp } : { timestamp, seq };
  }
}
