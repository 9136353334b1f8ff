import type { Command } from 'commander';
import { callAgent } from '../agent/client.js';
import { addAgentFlags, resolveAgent, type AgentFlags } from '../agent/flags.js';
import { parseDuration } from '../io/duration.js';
import { action } from '../io/fail.js';
import { printJson } from '../io/output.js';
import { EXIT } from '../exit-codes.js';
import { ERROR_CODES, RendezvousError } from '../../protocol/errors.js';

interface ReadyFlags extends AgentFlags {
  timeout?: string;
}

const RETRY_MS = 50;

/** `rendezvous agent ready`: for scripts that start `agent run` in the background, until it serves. */
export function registerAgentReady(agent: Command): void {
  addAgentFlags(agent.command('ready'))
    .description('wait until the agent serves (its coordinator started); prints {"id","pid"}')
    .option('--timeout <duration>', 'give up after this long (default 10s)', '10s')
    .addHelpText('after', '\nExit codes: 0 ready, 124 not ready in time, 2 bad flags.')
    .action(
      action('agent ready', async (flags: ReadyFlags) => {
        const { id, socket } = resolveAgent(flags);
        const deadline = performance.now() + parseDuration(flags.timeout ?? '10s', '--timeout');
        for (;;) {
          try {
            printJson((await callAgent(id, socket, { op: 'ping' })).value);
            return EXIT.OK;
          } catch (error) {
            // Not there yet (no socket, or an agent still starting): try again until the deadline.
            const absent = error instanceof RendezvousError && error.code === ERROR_CODES.NOT_FOUND && !error.message.startsWith('the agent at this socket');
            if (!absent) throw error;
            if (performance.now() >= deadline) throw new RendezvousError(ERROR_CODES.TIMEOUT, `agent ${id} did not answer within ${flags.timeout ?? '10s'}`);
            await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
          }
        }
      }),
    );
}
