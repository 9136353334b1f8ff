import { keys } from '../../../protocol/keys.js';
import type { InboxRef } from '../../roles/common.js';
import type { AckSnapshot } from '../../roles/inbox.js';
import { LuaScript } from '../lua-script.js';

/** The ACKs stored for one message and the sender's newest ACK notice id, read together. */
export const ackSnapshotScript = new LuaScript<{ sender: InboxRef; ackerIds: readonly string[]; messageId: string }, AckSnapshot>({
  file: 'ack-snapshot.lua',
  call: ({ sender, ackerIds, messageId }) => ({
    keys: [keys.ackNotices(sender.swarmId, sender.coordinatorId), ...ackerIds.map((acker) => keys.ack(sender.swarmId, acker, messageId))],
    args: [],
  }),
  parse: (reply) => {
    const [cursor, ...acks] = reply as [string, ...(string | null)[]];
    return { cursor, acks: acks.map((body) => body ?? null) };
  },
});
