import { CONSUMER_GROUP, keys } from '../../../protocol/keys.js';
import type { InboxRef } from '../../roles/common.js';
import type { AppendOptions, AppendResult } from '../../roles/inbox.js';
import { LuaScript } from '../lua-script.js';

export interface AppendEntry {
  to: InboxRef;
  body: string;
  options: AppendOptions;
}

/** Signals appended in one turn to one swarm, one call; each entry's outcome (or Error) in order. */
export const appendSignalScript = new LuaScript<readonly AppendEntry[], (AppendResult | Error)[]>({
  file: 'append-signal.lua',
  call: (batch) => ({
    keys: batch.flatMap(({ to, options }) => [
      keys.inbox(to.swarmId, to.coordinatorId),
      keys.idempotency(to.swarmId, to.coordinatorId, options.idempotencyKey ?? '-'),
    ]),
    args: [
      CONSUMER_GROUP,
      ...batch.flatMap(({ to, body, options }) => [
        body, options.messageId, options.ttlMs, options.idempotencyKey === undefined ? '0' : '1', keys.push(to.swarmId, to.coordinatorId),
      ]),
    ],
  }),
  parse: (reply) =>
    (reply as ([string, number] | Error)[]).map((entry) => (entry instanceof Error ? entry : { messageId: entry[0], isDuplicate: entry[1] === 1 })),
});
