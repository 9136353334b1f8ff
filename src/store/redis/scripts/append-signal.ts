import { CONSUMER_GROUP, keys } from '../../../protocol/keys.js';
import type { InboxRef } from '../../roles/common.js';
import type { AppendOptions, AppendResult } from '../../roles/inbox.js';
import { LuaScript } from '../lua-script.js';

export interface AppendEntry {
  to: InboxRef;
  body: string;
  options: AppendOptions;
}

/** One entry's outcome, and how many keys of the wrong type the script replaced for it. */
export type AppendOutcome = AppendResult & { replaced: number };

/** Signals appended in one turn to one swarm, one call; each entry's outcome (or Error) in order. */
export const appendSignalScript = new LuaScript<readonly AppendEntry[], (AppendOutcome | Error)[]>({
  file: 'append-signal.lua',
  call: (batch) => ({
    keys: batch.flatMap(({ to, options }) => [
      keys.inbox(to.swarmId, to.coordinatorId),
      keys.idempotency(to.swarmId, to.coordinatorId, options.idempotencyKey ?? '-'),
    ]),
    args: [
      CONSUMER_GROUP,
      ...batch.flatMap(({ to, body, options }) => [
        body,
        options.ttlMs,
        options.idempotencyKey === undefined ? '' : (options.idempotencyRecord ?? options.messageId),
        keys.push(to.swarmId, to.coordinatorId),
        options.replaceRecord === undefined ? '' : `=${options.replaceRecord}`,
      ]),
    ],
  }),
  parse: (reply) =>
    (reply as ([number, string, number] | Error)[]).map((entry) => {
      if (entry instanceof Error) return entry;
      const [taken, record, replaced] = entry;
      return taken === 1 ? { isDuplicate: true, record, replaced } : { isDuplicate: false, replaced };
    }),
});
