import { CONSUMER_GROUP, keys } from '../../../protocol/keys.js';
import type { InboxRef } from '../../roles/common.js';
import { LuaScript } from '../lua-script.js';

/** Creates an inbox and its consumer group if missing. */
export const ensureInboxScript = new LuaScript<{ inbox: InboxRef; ttlMs: number }, void>({
  file: 'ensure-inbox.lua',
  call: ({ inbox, ttlMs }) => ({ keys: [keys.inbox(inbox.swarmId, inbox.coordinatorId)], args: [CONSUMER_GROUP, ttlMs] }),
  parse: () => undefined,
});
