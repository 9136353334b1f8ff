import { globalKeys, keys } from '../../../protocol/keys.js';
import { RESULT_CODES } from '../../result-codes.js';
import { FENCE_TTL_MS } from '../../retention.js';
import type { Fence } from '../../roles/supervision.js';
import { LuaScript } from '../lua-script.js';

/** Marks a spawn request carried out; false when fenced out or unknown. */
export const markSpawnedScript = new LuaScript<{ swarmId: string; newId: string; fence: Fence }, boolean>({
  file: 'mark-spawned.lua',
  call: ({ swarmId, newId, fence }) => ({
    keys: [globalKeys.fence(swarmId, fence.namespace), keys.spawn(swarmId, newId), keys.pendingSpawns(swarmId)],
    args: [fence.epoch, FENCE_TTL_MS, newId],
  }),
  parse: (reply) => Number(reply) === RESULT_CODES.MARKED,
});
