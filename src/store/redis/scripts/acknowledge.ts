import { CONSUMER_GROUP, keys } from '../../../protocol/keys.js';
import type { InboxRef } from '../../roles/common.js';
import type { AckResult, AckWrite } from '../../roles/inbox.js';
import { entryNeedle } from '../../push.js';
import { LuaScript } from '../lua-script.js';

export interface AckEntry {
  inbox: InboxRef;
  options: AckWrite;
}

/** One entry's outcome, and how many keys of the wrong type the script replaced for it. */
export type AckOutcome = AckResult & { replaced: number };

/** ACKs given in one turn in one swarm, one call; each entry's outcome (or Error) in order. */
export const acknowledgeScript = new LuaScript<readonly AckEntry[], (AckOutcome | Error)[]>({
  file: 'acknowledge.lua',
  call: (batch) => {
    // Pushed in place (every ACK comes here): no array per entry to flatten.
    const scriptKeys: string[] = [];
    const args: (string | number)[] = [CONSUMER_GROUP];
    for (const { inbox, options } of batch) {
      scriptKeys.push(keys.inbox(inbox.swarmId, inbox.coordinatorId), keys.ack(inbox.swarmId, options.receiverId ?? inbox.coordinatorId, options.messageId), keys.ackNotices(inbox.swarmId, options.senderId));
      args.push(options.entryId ?? '', options.body, options.ttlMs, keys.push(inbox.swarmId, options.senderId), options.noticeMaxLen, options.replaceForged === undefined ? '' : `=${options.replaceForged}`, entryNeedle(options.messageId), options.messageId);
    }
    return { keys: scriptKeys, args };
  },
  parse: (reply) =>
    (reply as ([string, number, number] | Error)[]).map((entry) => (entry instanceof Error ? entry : { body: entry[0], created: entry[1] === 1, replaced: entry[2] })),
});
