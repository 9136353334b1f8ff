import { globalKeys } from '../../../protocol/keys.js';
import type { FencedOp, FencedResult } from '../../lease-types.js';
import { FENCE_TTL_MS, FENCED_WRITE_TTL_MS } from '../../retention.js';
import { LuaScript } from '../lua-script.js';

/** A leader's writes, applied only while its epoch may write. Every op's key is in the slot of `tag` (the caller checks). */
export const fencedWriteScript = new LuaScript<{ namespace: string; tag: string; epoch: number; ops: readonly FencedOp[] }, FencedResult>({
  file: 'fenced-write.lua',
  call: ({ namespace, tag, epoch, ops }) => {
    const sameSlot = tag === namespace;
    const fence = globalKeys.fence(tag, namespace);
    // KEYS[1] fence, KEYS[2] leader (or the fence again), then the written keys: op i names KEYS[i + 3].
    const encoded = ops.map((op, i) => ({ ...op, key: undefined, k: i + 3, ttl: op.op === 'del' ? undefined : (op.ttlMs ?? FENCED_WRITE_TTL_MS), ttlMs: undefined }));
    return {
      keys: [fence, sameSlot ? globalKeys.leader(namespace) : fence, ...ops.map((op) => op.key)],
      args: [epoch, FENCE_TTL_MS, sameSlot ? '1' : '0', JSON.stringify(encoded)],
    };
  },
  parse: (reply) => {
    const [applied, current] = reply as [number, number];
    return { applied: applied === 1, currentEpoch: Number(current) };
  },
});
