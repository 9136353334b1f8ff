import type { Command } from 'commander';
import { AgentError, callAgent } from '../agent/client.js';
import { addAgentFlags, resolveAgent, type AgentFlags } from '../agent/flags.js';
import { parseDuration } from '../io/duration.js';
import { action } from '../io/fail.js';
import { parseList } from '../io/json-arg.js';
import { printJson } from '../io/output.js';
import { EXIT } from '../exit-codes.js';
import { InvalidConfigError } from '../../protocol/errors.js';

interface WaitAcksFlags extends AgentFlags {
  from: string;
  timeout?: string;
  swarm?: string;
}

/** `rendezvous agent wait-acks MESSAGE_ID --from B,C`: waitForAcks through the agent; one JSON line per ACK. */
export function registerAgentWaitAcks(agent: Command): void {
  addAgentFlags(agent.command('wait-acks'))
    .description('wait until each of --from acknowledged MESSAGE_ID; prints each verified ACK (with its result) as one JSON line, in --from order')
    .argument('<messageId>', 'the signal (from `agent send`)')
    .requiredOption('--from <ids>', 'the coordinators whose ACKs to wait for (comma-separated)')
    .option('--timeout <duration>', 'give up after this long: 500ms, 60s, 10m (default 30m)')
    .option('--swarm <swarm>', "the acknowledgers' swarm, when not the agent's")
    .addHelpText('after', '\nOn a timeout the ACKs that came are printed, and the exit code is 124.\nExit codes: 0 every ACK, 124 timeout, 5 only ACKs that did not verify came, 3 no such agent, 2 bad flags.')
    .action(
      action('agent wait-acks', async (messageId: string, flags: WaitAcksFlags) => {
        const { id, socket } = resolveAgent(flags);
        const from = parseList(flags.from);
        if (from.length === 0) throw new InvalidConfigError('--from names no coordinator');
        const request = {
          op: 'wait-acks' as const,
          messageId,
          from,
          ...(flags.timeout === undefined ? {} : { timeoutMs: parseDuration(flags.timeout, '--timeout') }),
          ...(flags.swarm === undefined ? {} : { swarmId: flags.swarm }),
        };
        try {
          for (const ack of (await callAgent(id, socket, request)).value as unknown[]) printJson(ack);
        } catch (error) {
          if (error instanceof AgentError && Array.isArray(error.partial)) for (const ack of error.partial) printJson(ack);
          throw error;
        }
        return EXIT.OK;
      }),
    );
}
