import { RESULT_CODES } from '../store/result-codes.js';
import type { Fence, InboxRef, SupervisionStore } from '../store/port.js';

/** An empty fenced write of the election in slot `tag` under `epoch` (GlobalCoordinator.fenced). */
export type FenceProbe = (epoch: number, tag: string) => Promise<unknown>;

/**
 * The supervisor's store, with the refusals of its fenced writes (a warning, clearing warnings, an
 * escalation) passed on to the election. Their scripts only say that the slot's fence refused the
 * term, not which epoch it holds; an empty fenced write of the election in the same slot finds
 * out, and the election acts on it (fence.ts): a fence that survived a lost epoch counter makes
 * the leader lead again above it, one no term can have written is replaced. Without this, such a
 * fence would refuse the supervisor's writes in that swarm until it expires (7 days).
 */
export function reportingFenceRefusals<S extends SupervisionStore>(store: S, probe: FenceProbe): S {
  const refused = async (fence: Fence, tag: string): Promise<void> => {
    await probe(fence.epoch, tag).catch(() => undefined); // the next check tries again
  };
  const wrapped: Pick<SupervisionStore, 'warnCoordinator' | 'clearWarnings' | 'escalate'> = {
    async warnCoordinator(owner: InboxRef, fence: Fence, ttlMs: number) {
      const count = await store.warnCoordinator(owner, fence, ttlMs);
      if (count === RESULT_CODES.FENCED) await refused(fence, owner.swarmId);
      return count;
    },
    async clearWarnings(owner: InboxRef, fence: Fence) {
      const cleared = await store.clearWarnings(owner, fence);
      if (cleared === RESULT_CODES.FENCED) await refused(fence, owner.swarmId);
      return cleared;
    },
    async escalate(dead, replacementId, fence, ttls) {
      const result = await store.escalate(dead, replacementId, fence, ttls);
      if (result.outcome === 'fenced') await refused(fence, dead.swarmId);
      return result;
    },
  };
  return new Proxy(store, {
    get(target, property) {
      if (Object.hasOwn(wrapped, property)) return Reflect.get(wrapped, property) as unknown;
      const value = Reflect.get(target, property) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
