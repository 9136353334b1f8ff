import { globalKeys } from '../../../protocol/keys.js';
import type { FencedOp, FencedResult, FencedWriteOptions } from '../../lease-types.js';
import { RESULT_CODES } from '../../result-codes.js';
import { FENCE_TTL_MS, FENCED_WRITE_TTL_MS } from '../../retention.js';
import { LuaScript } from '../lua-script.js';

interface FencedWriteInput {
  namespace: string;
  tag: string;
  epoch: number;
  ops: readonly FencedOp[];
  options: FencedWriteOptions;
}

/** A leader's writes, applied only while its epoch may write. Every op's key is in the slot of `tag` (the caller checks). */
export const fencedWriteScript = new LuaScript<FencedWriteInput, FencedResult>({
  file: 'fenced-write.lua',
  call: ({ namespace, tag, epoch, ops, options }) => {
    const sameSlot = tag === namespace;
    const fence = globalKeys.fence(tag, namespace);
    // KEYS[1] fence, KEYS[2] leader and KEYS[3] counter (or the fence again), then the written keys: op i names KEYS[i + 4].
    const encoded = ops.map((op, i) => ({ ...op, key: undefined, k: i + 4, ttl: op.op === 'del' ? undefined : (op.ttlMs ?? FENCED_WRITE_TTL_MS), ttlMs: undefined }));
    return {
      keys: [fence, ...(sameSlot ? [globalKeys.leader(namespace), globalKeys.epoch(namespace)] : [fence, fence]), ...ops.map((op) => op.key)],
      args: [epoch, FENCE_TTL_MS, sameSlot ? '1' : '0', JSON.stringify(encoded), options.replaceFence ?? ''],
    };
  },
  parse: (reply) => {
    const [applied, current, refusedBy] = reply as [number, number, number];
    if (applied === 1) return { applied: true, currentEpoch: Number(current) };
    return { applied: false, currentEpoch: Number(current), refusedBy: refusedBy === RESULT_CODES.REFUSED_BY_FENCE ? 'fence' : 'term' };
  },
});
