import type { ElectionContext } from './context.js';

/** Why a leader stops leading. */
export type StepDownReason = 'stopped' | 'another worker took the lease' | 'lease renewal failed' | 'lease not renewed in time' | 'store connection lost' | 'a fence is above this term';

export interface LeadershipHooks {
  /** The lease was renewed within the term `epoch`. */
  renewed(epoch: number): void;
  /** The term `epoch` ended for this worker. */
  steppedDown(epoch: number): void;
}

/**
 * This worker's term as leader: its epoch, and until when it is certain to lead (its last
 * confirmed renewal plus the lease minus the safety margin, on the monotonic clock). It renews
 * every third of the lease and steps down when a renewal fails, when the certainty runs out, or
 * when told to (store connection lost, another worker's term seen, stop).
 */
export class Leadership {
  readonly #ctx: ElectionContext;
  readonly #hooks: LeadershipHooks;
  /** My epoch while I lead, else 0. */
  #epoch = 0;
  /** My term's renewals so far: each renewal seals the record anew with the next number. */
  #renewals = 0;
  /** performance.now() until which my leadership is certain. */
  #until = 0;
  #renewTimer: NodeJS.Timeout | undefined;
  #validityTimer: NodeJS.Timeout | undefined;
  #renewFailures = 0;

  constructor(ctx: ElectionContext, hooks: LeadershipHooks) {
    this.#ctx = ctx;
    this.#hooks = hooks;
  }

  /** The epoch of my term, 0 when I do not lead. */
  get epoch(): number {
    return this.#epoch;
  }

  get renewFailures(): number {
    return this.#renewFailures;
  }

  /** Whether I lead now: I hold the lease and my last renewal is recent enough. */
  isLeader(): boolean {
    return this.#epoch > 0 && performance.now() < this.#until;
  }

  /** Whether I lead now, in the term `epoch`. */
  leads(epoch: number): boolean {
    return epoch === this.#epoch && this.isLeader();
  }

  /** The store gave me the lease with `epoch`, in reply to a request sent at `sentAt`. */
  begin(epoch: number, sentAt: number): void {
    this.#epoch = epoch;
    this.#renewals = 0;
    this.#confirm(sentAt);
  }

  /** Ends my term at once (no-op when I do not lead). */
  stepDown(reason: StepDownReason): void {
    const epoch = this.#epoch;
    if (epoch === 0) return;
    this.#epoch = 0;
    this.#until = 0;
    clearTimeout(this.#renewTimer);
    clearTimeout(this.#validityTimer);
    this.#ctx.logger.info({ epoch, reason }, 'stepped down');
    // Hand the lease over now if it may still be mine in the store; a stop releases it itself, once the term's last runs have ended.
    // Below a fence, this worker takes the lease again above it at once, in place of its own (acquireLease): no release between.
    if (reason === 'lease renewal failed' || reason === 'lease not renewed in time' || reason === 'store connection lost') void this.release(epoch).catch(() => undefined);
    this.#hooks.steppedDown(epoch);
  }

  /** Gives the lease of term `epoch` back in the store (if I still hold it there): followers take it at once. */
  release(epoch: number): Promise<boolean> {
    const { store, namespace, holder, seals } = this.#ctx;
    return store.releaseLease(namespace, { worker: holder, epoch, eventSeal: seals.event('released', holder.workerId, epoch) });
  }

  /** A renewal sent at `sentAt` succeeded: leadership is certain until sentAt + lease - margin. */
  #confirm(sentAt: number): void {
    const { leaseTimeoutMs, safetyMarginMs } = this.#ctx.config;
    this.#until = sentAt + leaseTimeoutMs - safetyMarginMs;
    this.#armValidityTimer();
    clearTimeout(this.#renewTimer);
    this.#renewTimer = setTimeout(() => void this.#renew(), Math.floor(leaseTimeoutMs / 3));
  }

  /** Steps down when the certainty ends (timers can fire a little early: re-arm until it has). */
  #armValidityTimer(): void {
    clearTimeout(this.#validityTimer);
    const left = this.#until - performance.now();
    if (left <= 0) return this.stepDown('lease not renewed in time');
    this.#validityTimer = setTimeout(() => this.#armValidityTimer(), Math.ceil(left));
  }

  async #renew(): Promise<void> {
    const epoch = this.#epoch;
    if (epoch === 0) return;
    const { store, namespace, holder, config, seals } = this.#ctx;
    const renewal = this.#renewals + 1;
    const leaseMs = config.leaseTimeoutMs;
    const seal = seals.lease({ ...holder, epoch, leaseMs, renewal });
    const sentAt = performance.now();
    const renewed = await store.renewLease(namespace, { worker: holder, epoch, leaseMs, renewal, seal }).catch(() => false);
    if (this.#epoch !== epoch) return; // stepped down meanwhile
    if (renewed && performance.now() < this.#until) {
      this.#renewals = renewal;
      this.#confirm(sentAt);
      this.#ctx.diag('Coordinator epoch renewed', 'debug');
      this.#hooks.renewed(epoch);
      return;
    }
    this.#renewFailures += 1;
    this.stepDown('lease renewal failed');
  }
}
