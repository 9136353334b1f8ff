import type { Command } from 'commander';
import { NotFoundError } from '../../protocol/errors.js';
import { retrySignal } from '../../server/ops/retry.js';
import { withStore } from '../context.js';
import { action } from '../io/fail.js';
import { printJson } from '../io/output.js';
import { locate } from '../inbox-reader.js';
import { parseMessageId } from '../message-id.js';
import { storeFlags, type ReadFlags } from '../read-context.js';

const SAYS = {
  acknowledged: 'already acknowledged: nothing to resend',
  resent: "still in the receiver's inbox: its process was told to read it again",
  pending: 'still in the inbox and no process listens for the receiver: delivered when it starts',
} as const;

/**
 * `rendezvous resend MESSAGE_ID --to RECEIVER`: the daemon's retry (POST /api/signals/retry), run
 * here: never appends the signal twice (its entry stays until acknowledged), only nudges the receiver.
 */
export function registerResend(program: Command): void {
  storeFlags(
    program
      .command('resend')
      .argument('<messageId>', 'the unacknowledged message (senderId:type:timestamp)')
      .requiredOption('--to <receiver>', 'the coordinator it was sent to')
      .option('--swarm <swarm>', "the receiver's swarm (found from the registries when omitted)")
      .description("make a receiver read an unacknowledged signal again (the runbook's resend): idempotent, never a second copy"),
  )
    .addHelpText('after', '\nOutcomes: acknowledged, resent, pending (nobody listens: delivered when the receiver starts).\nExit codes: 0 one of those, 2 bad message id or flags, 3 the message is in neither the inbox nor an ACK (expired, or never sent), 4 Redis unreachable.')
    .action(
      action('resend', async (messageId: string, flags: ReadFlags & { to: string; swarm?: string }) => {
        parseMessageId(messageId);
        const result = await withStore(flags, async (store) => {
          const swarmId = await locate(store, flags.to, flags.swarm);
          return { messageId, swarmId, to: flags.to, outcome: await retrySignal(store, { swarmId, coordinatorId: flags.to }, messageId) };
        });
        if (result.outcome === 'unknown') throw new NotFoundError(`Message ${messageId} in the inbox of ${flags.to} or its ACKs (expired, or never sent)`, { messageId });
        if (flags.json) return printJson(result);
        process.stdout.write(`${messageId}: ${result.outcome}: ${SAYS[result.outcome]}\n`);
      }),
    );
}
