import { CONSUMER_GROUP, keys } from '../../../protocol/keys.js';
import type { InboxRef } from '../../roles/common.js';
import { LuaScript } from '../lua-script.js';

/** Creates an inbox and its consumer group if missing; `replaced`: a key of the wrong type was in its place. */
export const ensureInboxScript = new LuaScript<{ inbox: InboxRef; ttlMs: number }, { replaced: boolean }>({
  file: 'ensure-inbox.lua',
  call: ({ inbox, ttlMs }) => ({ keys: [keys.inbox(inbox.swarmId, inbox.coordinatorId)], args: [CONSUMER_GROUP, ttlMs] }),
  parse: (reply) => ({ replaced: (reply as [number, number])[1] === 1 }),
});
