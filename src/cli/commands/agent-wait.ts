import type { Command } from 'commander';
import { callAgent } from '../agent/client.js';
import { addAgentFlags, resolveAgent, type AgentFlags } from '../agent/flags.js';
import { parseDuration } from '../io/duration.js';
import { action } from '../io/fail.js';
import { parseCount, parseList } from '../io/json-arg.js';
import { EXIT } from '../exit-codes.js';

interface WaitFlags extends AgentFlags {
  from?: string;
  type?: string;
  iteration?: string;
  timeout?: string;
}

/** `rendezvous agent wait`: blockUntilSignal through the agent; the signal as one JSON line. */
export function registerAgentWait(agent: Command): void {
  addAgentFlags(agent.command('wait'))
    .description('wait for the oldest signal that matches, print it as one JSON line')
    .option('--from <ids>', 'only from these senders (comma-separated)')
    .option('--type <types>', 'only these types (comma-separated)')
    .option('--iteration <n>', 'only this iteration')
    .option('--timeout <duration>', 'give up after this long: 500ms, 60s, 10m (default BLOCKING_TIMEOUT_MS of the agent, 30m)')
    .addHelpText('after', '\nThe signal stays the agent\'s until `agent ack`: a call killed before printing it leaves it to the next wait; one printed and never acknowledged is delivered again when the agent restarts.\nExit codes: 0 a signal, 124 timeout, 5 only signals that did not verify came, 3 no such agent, 2 bad flags.')
    .action(
      action('agent wait', async (flags: WaitFlags) => {
        const { id, socket } = resolveAgent(flags);
        const request = {
          op: 'wait' as const,
          ...(flags.type ? { types: parseList(flags.type) } : {}),
          ...(flags.from ? { from: parseList(flags.from) } : {}),
          ...(flags.iteration === undefined ? {} : { iteration: parseCount(flags.iteration, '--iteration') }),
          ...(flags.timeout === undefined ? {} : { timeoutMs: parseDuration(flags.timeout, '--timeout') }),
        };
        const call = await callAgent(id, socket, request);
        // Confirm only once stdout took the line: a caller gone before that leaves the signal to the next wait.
        await new Promise<void>((resolve, reject) => process.stdout.write(`${JSON.stringify(call.value)}\n`, (error) => (error ? reject(error) : resolve())));
        await call.confirm();
        return EXIT.OK;
      }),
    );
}
