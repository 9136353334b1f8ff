import type { Command } from 'commander';
import { callAgent } from '../agent/client.js';
import { addAgentFlags, resolveAgent, type AgentFlags } from '../agent/flags.js';
import { action } from '../io/fail.js';
import { parseJsonArg } from '../io/json-arg.js';
import { printJson } from '../io/output.js';
import { EXIT } from '../exit-codes.js';

interface AckFlags extends AgentFlags {
  status?: string;
  result?: string;
}

/** `rendezvous agent ack MESSAGE_ID`: acknowledge (exactly once, by the library) with an optional result. */
export function registerAgentAck(agent: Command): void {
  addAgentFlags(agent.command('ack'))
    .description('acknowledge a signal the agent received, with a status and an optional result; prints the ACK as one JSON line')
    .argument('<messageId>', 'the signal\'s messageId (from `agent wait`)')
    .option('--status <status>', "what the ACK says, e.g. processed, rejected (default 'received')")
    .option('--result <json>', 'the answer: JSON, or @file holding JSON')
    .addHelpText('after', '\nExit codes: 0 acknowledged, 3 no unacknowledged signal with that id (or no such agent), 2 bad flags or result, 4 Redis unavailable.')
    .action(
      action('agent ack', async (messageId: string, flags: AckFlags) => {
        const { id, socket } = resolveAgent(flags);
        const request = {
          op: 'ack' as const,
          messageId,
          ...(flags.status === undefined ? {} : { status: flags.status }),
          ...(flags.result === undefined ? {} : { result: parseJsonArg(flags.result, '--result'), hasResult: true }),
        };
        printJson((await callAgent(id, socket, request)).value);
        return EXIT.OK;
      }),
    );
}
