import type { Logger } from '../../protocol/logger.js';
import { ThrottledLog } from '../../protocol/throttled-log.js';
import type { GlobalCoordinatorMetrics } from './types.js';

type ForgeryMetrics = Pick<GlobalCoordinatorMetrics, 'forgedLeases' | 'forgedEvents' | 'fenceConflicts'>;

/**
 * What this worker found in the store that it did not write and does not believe: lease records
 * and leadership events that fail their seal (or contradict what is signed), and fences above its
 * term. Each is counted; each kind is logged once per 10 s (throttled-log.ts).
 */
export class Forgeries {
  /** A line per kind per 10 s, the others counted in it: an attack is not a log flood. */
  readonly #log: ThrottledLog;
  readonly #counts: ForgeryMetrics = { forgedLeases: 0, forgedEvents: 0, fenceConflicts: 0 };
  /** The digest of the last forged record counted: a record read again is the same forgery. */
  #lastLease = '';

  constructor(logger: Logger) {
    this.#log = new ThrottledLog(logger, 'warn');
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
    this.#log.note(message, { ...detail, ...this.#counts }, message);
  }
}
