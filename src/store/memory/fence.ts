import { FENCE_TTL_MS } from '../retention.js';
import { epochIn } from './epoch-value.js';
import type { MemoryKeyspace } from './memory-keyspace.js';

/**
 * The fencing token check of the scripts (redis/lua/includes/fence-check.lua): the epoch that
 * keeps `epoch` from writing into the slot whose fence is `key` (0 when `epoch` is no term at
 * all), or undefined when it may write. A fence that holds no epoch counts as absent.
 */
export function fencedOutBy(keyspace: MemoryKeyspace, key: string, epoch: number): number | undefined {
  if (epoch < 1) return 0;
  const seen = epochIn(keyspace, key);
  return epoch < seen ? seen : undefined;
}

/** Records that `epoch` wrote into the slot: older terms are fenced out from now on. */
export function holdFence(keyspace: MemoryKeyspace, key: string, epoch: number): void {
  for (const space of keyspace.spaces()) space.delete(key);
  keyspace.strings.set(key, String(epoch), FENCE_TTL_MS);
}
