import { keys } from '../../../protocol/keys.js';
import type { InboxRef } from '../../roles/common.js';
import { LuaScript } from '../lua-script.js';

/** The lengths of inboxes of one swarm (at most MAX_KEYS_PER_COMMAND), in one step. */
export const inboxLengthsScript = new LuaScript<readonly InboxRef[], number[]>({
  file: 'inbox-lengths.lua',
  call: (inboxes) => ({ keys: inboxes.map((inbox) => keys.inbox(inbox.swarmId, inbox.coordinatorId)), args: [] }),
  parse: (reply) => (reply as unknown[]).map((n) => Number(n) || 0),
});
