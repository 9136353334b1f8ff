import type { LeaseSealFields } from '../../protocol/election-seal.js';
import type { LeaseState } from '../../store/lease-types.js';
import type { LeaseForgery, LeaseVerdict } from './lease-verdict.js';

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
