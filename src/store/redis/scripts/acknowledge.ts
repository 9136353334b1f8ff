import { CONSUMER_GROUP, keys } from '../../../protocol/keys.js';
import type { InboxRef } from '../../roles/common.js';
import type { AckResult, AckWrite } from '../../roles/inbox.js';
import { LuaScript } from '../lua-script.js';

export interface AckEntry {
  inbox: InboxRef;
  options: AckWrite;
}

/** ACKs given in one turn in one swarm, one call; each entry's outcome (or Error) in order. */
export const acknowledgeScript = new LuaScript<readonly AckEntry[], (AckResult | Error)[]>({
  file: 'acknowledge.lua',
  call: (batch) => ({
    keys: batch.flatMap(({ inbox, options }) => [
      keys.inbox(inbox.swarmId, inbox.coordinatorId),
      keys.ack(inbox.swarmId, options.receiverId ?? inbox.coordinatorId, options.messageId),
      keys.ackNotices(inbox.swarmId, options.senderId),
    ]),
    args: [
      CONSUMER_GROUP,
      ...batch.flatMap(({ inbox, options }) => [
        options.entryId ?? '', options.body, options.ttlMs, keys.push(inbox.swarmId, options.senderId), options.noticeMaxLen,
      ]),
    ],
  }),
  parse: (reply) => (reply as ([string, number] | Error)[]).map((entry) => (entry instanceof Error ? entry : { body: entry[0], created: entry[1] === 1 })),
});
