import { Cluster } from 'ioredis';
import { hashTagOf } from '../../protocol/keys.js';
import type { RedisClient } from './lua-script.js';

/** Most keys one multi-key command (MGET, a script) carries: a bounded step, never the store held for long. */
export const MAX_KEYS_PER_COMMAND = 1_000;

/**
 * The positions of `keys` grouped so that each group may go into one multi-key command: chunks of
 * MAX_KEYS_PER_COMMAND on a single node; on a Cluster, keys that share a hash tag (hence a slot),
 * chunked, and every untagged key alone.
 */
export function slotGroups(client: RedisClient, keys: readonly string[], groupOf: (key: string, i: number) => string | undefined = hashTagOf): number[][] {
  const byGroup = new Map<string, number[]>();
  const alone: number[][] = [];
  keys.forEach((key, i) => {
    const group = client instanceof Cluster ? groupOf(key, i) : '';
    if (group === undefined) return void alone.push([i]);
    const members = byGroup.get(group);
    if (members) members.push(i);
    else byGroup.set(group, [i]);
  });
  const chunks: number[][] = [];
  for (const members of byGroup.values()) for (let from = 0; from < members.length; from += MAX_KEYS_PER_COMMAND) chunks.push(members.slice(from, from + MAX_KEYS_PER_COMMAND));
  return [...chunks, ...alone];
}
