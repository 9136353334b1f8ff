import { CONSUMER_GROUP, keys } from '../../../protocol/keys.js';
import type { InboxRef } from '../../roles/common.js';
import { LuaScript } from '../lua-script.js';

/** Removes one entry from an inbox: acknowledged in the group and deleted. */
export const discardEntryScript = new LuaScript<{ inbox: InboxRef; entryId: string }, void>({
  file: 'discard-entry.lua',
  call: ({ inbox, entryId }) => ({ keys: [keys.inbox(inbox.swarmId, inbox.coordinatorId)], args: [CONSUMER_GROUP, entryId] }),
  parse: () => undefined,
});
