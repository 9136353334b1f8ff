// Imported, not the global: Node's global `performance` is an accessor, read through a slower inline cache at every call.
import { performance } from 'node:perf_hooks';
import type { StoreBase } from '../store/port.js';
import { readTime, sharedTimeReading } from './shared-time-reading.js';

/** A local clock in ms. The default is monotonic (never jumps with NTP); tests inject skewed ones. */
export type LocalClock = () => number;

export const monotonicClock: LocalClock = () => performance.timeOrigin + performance.now();

/**
 * The store's clock as seen from here: the local clock plus an offset measured against the
 * store's TIME (halfway through the round trip). Skew of the local clock cancels out.
 */
export class StoreClock {
  readonly #local: LocalClock;
  #offset = 0;
  #uncertainty = 0;
  #syncedAt = Number.NEGATIVE_INFINITY;

  constructor(local: LocalClock = monotonicClock) {
    this.#local = local;
  }

  /**
   * Measures the offset. Clocks on the default local clock share a reading per store (see
   * sharedTimeReading); an injected local clock reads for itself.
   */
  async sync(store: Pick<StoreBase, 'time'>): Promise<void> {
    const { before, storeTime, after } = await (this.#local === monotonicClock ? sharedTimeReading(store, monotonicClock) : readTime(store, this.#local));
    this.#offset = storeTime - (before + after) / 2;
    this.#uncertainty = (after - before) / 2;
    this.#syncedAt = performance.now();
  }

  /** Whether the last sync is older than `intervalMs` (measured monotonically). */
  isStale(intervalMs: number): boolean {
    return performance.now() - this.#syncedAt >= intervalMs;
  }

  /** How far now() may be from the store's clock at the last sync: half its round trip, ms. */
  get uncertaintyMs(): number {
    return this.#uncertainty;
  }

  now(): number {
    return Math.round(this.#local() + this.#offset);
  }
}
