import type { ElectionContext } from './context.js';
import type { LeaderChangedEvent } from './types.js';

/**
 * This worker's view of who leads its namespace: the last holder it saw and the highest epoch.
 * A change of holder is counted, logged and announced (`leader:changed`).
 */
export class LeaderView {
  readonly #ctx: ElectionContext;
  readonly #onChange: (event: LeaderChangedEvent) => void;
  #leader: string | null = null;
  #epoch = 0;
  /** The highest epoch ever seen, kept when the store's goes back: the floor of the next term. */
  #highest = 0;
  #changes = 0;
  #regressions = 0;

  constructor(ctx: ElectionContext, onChange: (event: LeaderChangedEvent) => void) {
    this.#ctx = ctx;
    this.#onChange = onChange;
  }

  /** The leader as last seen (null: none). */
  get leader(): string | null {
    return this.#leader;
  }

  /** The epoch of the current term as this worker knows it. */
  get epoch(): number {
    return this.#epoch;
  }

  /** The highest epoch this worker has seen in the namespace (a new term's epoch is above it). */
  get highest(): number {
    return this.#highest;
  }

  /** How many times the leader changed. */
  get changes(): number {
    return this.#changes;
  }

  /** How many times a term came with an epoch below one already seen: the store lost the election's state. */
  get regressions(): number {
    return this.#regressions;
  }

  /**
   * A fence in some slot holds `epoch`: the next term this worker proposes is above it (a fence that
   * survived the epoch counter would otherwise refuse every write of the terms below it).
   */
  raiseFloor(epoch: number): void {
    this.#highest = Math.max(this.#highest, epoch);
  }

  /** `holder` leads (null: nobody) under `epoch`, as this worker just learnt. */
  observe(holder: string | null, epoch: number): void {
    if (holder === this.#leader && epoch === this.#epoch) return;
    const previous = this.#leader;
    this.#leader = holder;
    this.#highest = Math.max(this.#highest, epoch);
    if (holder !== null && epoch < this.#epoch) {
      // Epochs only rise, unless the store lost the counter (a restart without persistence, an
      // eviction, a deleted key). The store's term is the truth from here on: say so, and follow it.
      this.#regressions += 1;
      this.#ctx.logger.warn({ epoch, previousEpoch: this.#epoch }, `the election's epoch went back from ${this.#epoch} to ${epoch}: the store lost its state (Redis restarted without persistence, evicted or deleted the epoch key)`);
      this.#epoch = epoch;
    } else this.#epoch = Math.max(this.#epoch, epoch);
    if (holder === previous) return;
    this.#changes += 1;
    this.#ctx.diag(`Leader changed: ${previous ?? 'none'} → ${holder ?? 'none'} (epoch: ${epoch})`);
    this.#onChange(this.event(previous, holder, epoch));
  }

  event(previousLeader: string | null, newLeader: string | null, epoch: number): LeaderChangedEvent {
    return { namespace: this.#ctx.namespace, previousLeader, newLeader, epoch, timestamp: Date.now() };
  }
}
