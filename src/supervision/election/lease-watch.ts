import type { LeaseSealFields } from '../../protocol/election-seal.js';
import type { LeaseState } from '../../store/lease-types.js';
import type { ElectionContext } from './context.js';
import type { ElectionSeals, ForgeryReason } from './seals.js';

/** Why a lease record is not believed: its seal, a counter above its epoch (a copy of an old term's), or nobody renewing it. */
export type LeaseForgery = ForgeryReason | 'superseded' | 'stalled';

export type LeaseVerdict = { kind: 'free' } | { kind: 'held'; lease: LeaseSealFields } | { kind: 'forged'; reason: LeaseForgery };

/**
 * A lease as read from the store, judged: believed when its seal verifies and the counter is not
 * above its epoch (every term sets the counter to its epoch, so a record below it is a copy of an
 * ended term's).
 */
export function judgeLease(seals: ElectionSeals, state: LeaseState): LeaseVerdict {
  if (!state.record) return { kind: 'free' };
  const checked = seals.verifyLease(state.record);
  if (!checked.ok) return { kind: 'forged', reason: checked.reason };
  if (state.counter > checked.value.epoch) return { kind: 'forged', reason: 'superseded' };
  return { kind: 'held', lease: checked.value };
}

export type LeaseReading =
  | { kind: 'free' }
  /** Believed; read it again at `recheckAt` (performance.now() ms): then it may have expired, or stalled. */
  | { kind: 'held'; lease: LeaseSealFields; recheckAt: number }
  /** Not believed; it may be taken over from `takeoverAt` on, if it is still the same record then. */
  | { kind: 'forged'; reason: LeaseForgery; takeoverAt: number };

/**
 * A follower's watch over the lease records it reads, on its monotonic clock. A live holder
 * renews every third of its lease, and each renewal stores a new renewal number and seal: a record
 * that stays exactly the same for a whole lease has no live holder. Such a record may be taken
 * over, whoever it names: one believed has stalled (someone lifted its expiry, or wrote back an old
 * copy), one not believed was written by someone without the secret. Only then: a genuine leader
 * whose record was overwritten has by then failed its renewal or seen its certainty end, and a
 * worker this one cannot verify (another secret) but that renews is never taken over, so a
 * takeover never makes two leaders. A record rewritten again and again is never taken over: that
 * is a denial of service only Redis ACLs prevent.
 */
export class LeaseWatch {
  /** The longest lease this worker knows: its own, or the longest a believed record had. */
  #longestLeaseMs: number;
  /** The record last read (its digest) and when it was first read. */
  #seen: { digest: string; since: number } | undefined;

  constructor(leaseMs: number) {
    this.#longestLeaseMs = leaseMs;
  }

  read(state: LeaseState, verdict: LeaseVerdict, now = performance.now()): LeaseReading {
    if (verdict.kind === 'free' || !state.record) return this.reset();
    const { digest } = state.record;
    if (this.#seen?.digest !== digest) this.#seen = { digest, since: now };
    if (verdict.kind === 'held') this.#longestLeaseMs = Math.max(this.#longestLeaseMs, verdict.lease.leaseMs);
    const deadAt = this.#seen.since + this.#longestLeaseMs;
    if (verdict.kind === 'forged') return { kind: 'forged', reason: verdict.reason, takeoverAt: deadAt };
    if (now >= deadAt) return { kind: 'forged', reason: 'stalled', takeoverAt: deadAt };
    return { kind: 'held', lease: verdict.lease, recheckAt: Math.min(now + Math.min(state.ttlMs, this.#longestLeaseMs), deadAt) };
  }

  /** Nobody holds the lease (or this worker took it): nothing is being watched. */
  reset(): { kind: 'free' } {
    this.#seen = undefined;
    return { kind: 'free' };
  }
}

/** The leader as the store's lease says, if its record is believed (a forged one is counted and logged); null otherwise. */
export async function believedLeader(ctx: ElectionContext): Promise<string | null> {
  const state = await ctx.store.readLease(ctx.namespace);
  const verdict = judgeLease(ctx.seals, state);
  if (verdict.kind === 'forged') ctx.forgeries.lease(state.record!.digest, { reason: verdict.reason, holder: state.record!.workerId, epoch: state.record!.epoch });
  return verdict.kind === 'held' ? verdict.lease.workerId : null;
}
