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

/** The leader as the store's lease says, if its record is believed (a forged one is counted and logged); null otherwise. */
export async function believedLeader(ctx: ElectionContext): Promise<string | null> {
  const state = await ctx.store.readLease(ctx.namespace);
  const verdict = judgeLease(ctx.seals, state);
  if (verdict.kind === 'forged') ctx.forgeries.lease(state.record!.digest, { reason: verdict.reason, holder: state.record!.workerId, epoch: state.record!.epoch });
  return verdict.kind === 'held' ? verdict.lease.workerId : null;
}
