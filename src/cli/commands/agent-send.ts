import type { Command } from 'commander';
import { callAgent } from '../agent/client.js';
import { addAgentFlags, resolveAgent, type AgentFlags } from '../agent/flags.js';
import { action } from '../io/fail.js';
import { parseCount, parseJsonArg, parseList } from '../io/json-arg.js';
import { printJson } from '../io/output.js';
import { EXIT } from '../exit-codes.js';
import { InvalidConfigError } from '../../protocol/errors.js';

interface SendFlags extends AgentFlags {
  to: string;
  type: string;
  payload?: string;
  iteration?: string;
  idempotencyKey?: string;
  swarm?: string;
}

/** `rendezvous agent send`: sendSignal as the agent (its id, its messageId sequence). */
export function registerAgentSend(agent: Command): void {
  addAgentFlags(agent.command('send'))
    .description('send a signed signal as the agent; prints {"to","messageId","isDuplicate"} per receiver, one JSON line each')
    .requiredOption('--to <ids>', 'the receivers (comma-separated: one signal each)')
    .requiredOption('--type <type>', 'the signal type, e.g. validate, completion')
    .option('--payload <json>', 'JSON, or @file holding JSON')
    .option('--iteration <n>', 'the iteration')
    .option('--idempotency-key <key>', 'a retry with the same key to the same receiver is delivered once')
    .option('--swarm <swarm>', "the receivers' swarm, when not the agent's")
    .addHelpText('after', '\nExit codes: 0 sent (or a duplicate), 3 no such agent, 2 bad flags or payload, 4 Redis unavailable, 6 refused (rate limit, full inbox).')
    .action(
      action('agent send', async (flags: SendFlags) => {
        const { id, socket } = resolveAgent(flags);
        const receivers = parseList(flags.to);
        if (receivers.length === 0) throw new InvalidConfigError('--to names no receiver');
        const base = {
          op: 'send' as const,
          type: flags.type,
          ...(flags.payload === undefined ? {} : { payload: parseJsonArg(flags.payload, '--payload'), hasPayload: true }),
          ...(flags.iteration === undefined ? {} : { iteration: parseCount(flags.iteration, '--iteration') }),
          ...(flags.idempotencyKey === undefined ? {} : { idempotencyKey: flags.idempotencyKey }),
          ...(flags.swarm === undefined ? {} : { swarmId: flags.swarm }),
        };
        for (const to of receivers) {
          const { value } = await callAgent(id, socket, { ...base, to });
          printJson({ to, ...(value as object) });
        }
        return EXIT.OK;
      }),
    );
}
