import type { Logger } from '../../protocol/logger.js';
import type { GlobalCoordinatorMetrics } from './types.js';

type ForgeryMetrics = Pick<GlobalCoordinatorMetrics, 'forgedLeases' | 'forgedEvents' | 'fenceConflicts'>;

/** One log line of a kind at most this often, with how many were left out meanwhile: an attack is not a log flood. */
const LOG_EVERY_MS = 10_000;

/**
 * What this worker found in the store that it did not write and does not believe: lease records
 * and leadership events that fail their seal (or contradict what is signed), and fences above its
 * term. Each is counted; each kind is logged at most every 10 s, with the count left out since.
 */
export class Forgeries {
  readonly #logger: Logger;
  readonly #counts: ForgeryMetrics = { forgedLeases: 0, forgedEvents: 0, fenceConflicts: 0 };
  /** Per log message: when it was last written, and how many were left out since. */
  readonly #lines = new Map<string, { at: number; suppressed: number }>();
  /** The digest of the last forged record counted: a record read again is the same forgery. */
  #lastLease = '';

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  get metrics(): ForgeryMetrics {
    return { ...this.#counts };
  }

  /** A lease record not believed (counted once per record, by its digest). */
  lease(digest: string, detail: Record<string, unknown>): void {
    if (digest === this.#lastLease) return;
    this.#lastLease = digest;
    this.#counts.forgedLeases += 1;
    this.#warn('forged lease record: not believed', detail);
  }

  /** An epoch counter no term can have written, ignored. */
  counter(detail: Record<string, unknown>): void {
    this.#counts.forgedLeases += 1;
    this.#warn('implausible epoch counter: ignored', detail);
  }

  /** A leadership event not believed. */
  event(detail: Record<string, unknown>): void {
    this.#counts.forgedEvents += 1;
    this.#warn('forged leadership event: ignored', detail);
  }

  /** A fenced write of this worker's term refused by a fence above it. */
  fence(message: string, detail: Record<string, unknown>): void {
    this.#counts.fenceConflicts += 1;
    this.#warn(message, detail);
  }

  #warn(message: string, detail: Record<string, unknown>): void {
    const now = performance.now();
    const line = this.#lines.get(message);
    if (line && now - line.at < LOG_EVERY_MS) {
      line.suppressed += 1;
      return;
    }
    this.#lines.set(message, { at: now, suppressed: 0 });
    this.#logger.warn({ ...detail, suppressed: line?.suppressed ?? 0, ...this.#counts }, message);
  }
}
