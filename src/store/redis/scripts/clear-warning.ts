import { globalKeys, keys } from '../../../protocol/keys.js';
import { FENCE_TTL_MS } from '../../retention.js';
import type { InboxRef } from '../../roles/common.js';
import type { Fence } from '../../roles/supervision.js';
import { LuaScript } from '../lua-script.js';

/** Clears a coordinator's warnings: the count it had, or RESULT_CODES.FENCED. */
export const clearWarningScript = new LuaScript<{ owner: InboxRef; fence: Fence }, number>({
  file: 'clear-warning.lua',
  call: ({ owner, fence }) => ({
    keys: [globalKeys.fence(owner.swarmId, fence.namespace), keys.warning(owner.swarmId, owner.coordinatorId)],
    args: [fence.epoch, FENCE_TTL_MS],
  }),
  parse: (reply) => Number(reply),
});
