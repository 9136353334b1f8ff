import { CONSUMER_GROUP, globalKeys, keys } from '../../../protocol/keys.js';
import { RESULT_CODES } from '../../result-codes.js';
import { FENCE_TTL_MS, SWARM_EVENT_LOG_CAP } from '../../retention.js';
import type { InboxRef } from '../../roles/common.js';
import type { EscalationResult, EscalationTtls, Fence } from '../../roles/supervision.js';
import { LuaScript } from '../lua-script.js';

const OUTCOMES: Readonly<Record<number, EscalationResult['outcome']>> = {
  [RESULT_CODES.CREATED]: 'created',
  [RESULT_CODES.EXISTING]: 'existing',
  [RESULT_CODES.FENCED]: 'fenced',
};

/** Escalates a dead coordinator exactly once, in one atomic step (escalate.lua says what it does). */
export const escalateScript = new LuaScript<{ dead: InboxRef; replacementId: string; fence: Fence; ttls: EscalationTtls }, EscalationResult>({
  file: 'escalate.lua',
  call: ({ dead: { swarmId, coordinatorId: deadId }, replacementId, fence, ttls }) => ({
    keys: [
      globalKeys.fence(swarmId, fence.namespace),
      keys.escalation(swarmId, deadId),
      keys.spawn(swarmId, replacementId),
      keys.work(swarmId, deadId),
      keys.work(swarmId, replacementId),
      keys.swarmEvents(swarmId),
      keys.warning(swarmId, deadId),
      keys.registry(swarmId),
      keys.inbox(swarmId, deadId),
      keys.inbox(swarmId, replacementId),
      keys.pendingSpawns(swarmId),
    ],
    args: [
      fence.epoch, swarmId, deadId, replacementId, FENCE_TTL_MS, ttls.recordTtlMs, ttls.workTtlMs,
      keys.replacementChannel(swarmId), SWARM_EVENT_LOG_CAP, CONSUMER_GROUP, ttls.inboxTtlMs, keys.push(swarmId, replacementId),
    ],
  }),
  parse: (reply) => {
    const [replacement, outcome, moved, signals] = reply as [string, number, number, number];
    return { replacementId: replacement, outcome: OUTCOMES[outcome]!, workItemsMoved: moved, signalsMoved: signals };
  },
});
