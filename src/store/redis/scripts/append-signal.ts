import { CONSUMER_GROUP, keys } from '../../../protocol/keys.js';
import { InboxFullError, RateLimitedError } from '../../../protocol/errors.js';
import type { InboxRef } from '../../roles/common.js';
import type { AppendOptions, AppendResult } from '../../roles/inbox.js';
import { RESULT_CODES } from '../../result-codes.js';
import { LuaScript } from '../lua-script.js';

export interface AppendEntry {
  to: InboxRef;
  body: string;
  options: AppendOptions;
}

/** One entry's outcome, and how many keys of the wrong type the script replaced for it. */
export type AppendOutcome = AppendResult & { replaced: number };

/** An entry's reply as its caller's result, or the typed error of a limit it met. */
function outcomeOf([code, value, replaced]: [number, string, number], { to, options }: AppendEntry): AppendOutcome | Error {
  switch (code) {
    case RESULT_CODES.DUPLICATE:
      return { isDuplicate: true, record: value, replaced };
    case RESULT_CODES.RATE_LIMITED:
      return new RateLimitedError(options.senderId, to.coordinatorId, options.maxSendsPerSecond ?? 0, Number(value));
    case RESULT_CODES.INBOX_FULL:
      return new InboxFullError(to.coordinatorId, Number(value), options.maxInboxLength ?? 0);
    default:
      return { isDuplicate: false, replaced };
  }
}

/** Signals appended in one turn to one swarm, one call; each entry's outcome (or Error) in order. */
export const appendSignalScript = new LuaScript<readonly AppendEntry[], (AppendOutcome | Error)[]>({
  file: 'append-signal.lua',
  call: (batch) => {
    // Pushed in place (every send comes here): no array per entry to flatten.
    const scriptKeys: string[] = [];
    const args: (string | number)[] = [CONSUMER_GROUP];
    for (const { to, body, options } of batch) {
      scriptKeys.push(keys.inbox(to.swarmId, to.coordinatorId), keys.idempotency(to.swarmId, to.coordinatorId, options.idempotencyKey ?? '-'), keys.sendRate(to.swarmId, to.coordinatorId, options.senderId));
      args.push(
        body,
        options.ttlMs,
        options.idempotencyKey === undefined ? '' : (options.idempotencyRecord ?? options.messageId),
        keys.push(to.swarmId, to.coordinatorId),
        options.replaceRecord === undefined ? '' : `=${options.replaceRecord}`,
        options.maxSendsPerSecond ?? 0,
        options.maxInboxLength ?? 0,
      );
    }
    return { keys: scriptKeys, args };
  },
  parse: (reply, batch) => (reply as ([number, string, number] | Error)[]).map((entry, i) => (entry instanceof Error ? entry : outcomeOf(entry, batch[i]!))),
});
