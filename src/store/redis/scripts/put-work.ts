import { keys } from '../../../protocol/keys.js';
import type { InboxRef } from '../../roles/common.js';
import { LuaScript } from '../lua-script.js';

/** Records one work item of a coordinator and refreshes its work hash's lifetime. */
export const putWorkScript = new LuaScript<{ owner: InboxRef; taskId: string; body: string; ttlMs: number }, void>({
  file: 'put-work.lua',
  call: ({ owner, taskId, body, ttlMs }) => ({ keys: [keys.work(owner.swarmId, owner.coordinatorId)], args: [taskId, body, ttlMs] }),
  parse: () => undefined,
});
