import { globalKeys, keys } from '../../../protocol/keys.js';
import { FENCE_TTL_MS } from '../../retention.js';
import type { InboxRef } from '../../roles/common.js';
import type { Fence } from '../../roles/supervision.js';
import { LuaScript } from '../lua-script.js';

/** One more warning for a silent coordinator: the new count, or RESULT_CODES.FENCED. */
export const warnScript = new LuaScript<{ owner: InboxRef; fence: Fence; ttlMs: number }, number>({
  file: 'warn.lua',
  call: ({ owner, fence, ttlMs }) => ({
    keys: [globalKeys.fence(owner.swarmId, fence.namespace), keys.warning(owner.swarmId, owner.coordinatorId)],
    args: [fence.epoch, ttlMs, FENCE_TTL_MS],
  }),
  parse: (reply) => Number(reply),
});
