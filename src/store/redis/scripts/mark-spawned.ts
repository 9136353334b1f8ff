import { globalKeys, keys } from '../../../protocol/keys.js';
import { RESULT_CODES } from '../../result-codes.js';
import { FENCE_TTL_MS } from '../../retention.js';
import type { Fence } from '../../roles/supervision.js';
import { LuaScript } from '../lua-script.js';

/** Marks a spawn request carried out; false when fenced out or unknown. */
export const markSpawnedScript = new LuaScript<{ swarmId: string; replacementId: string; fence: Fence }, boolean>({
  file: 'mark-spawned.lua',
  call: ({ swarmId, replacementId, fence }) => ({
    keys: [globalKeys.fence(swarmId, fence.namespace), keys.spawn(swarmId, replacementId), keys.pendingSpawns(swarmId)],
    args: [fence.epoch, FENCE_TTL_MS, replacementId],
  }),
  parse: (reply) => Number(reply) === RESULT_CODES.MARKED,
});
