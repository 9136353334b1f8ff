/**
 * `rendezvous agent ...`: the agent interface (docs/cli.md#agents). `agent run` holds the identity
 * (one coordinator, heartbeating); the other commands are short calls through its socket. Each
 * command is its own file; the heavy library is loaded only by `agent run`, so calls start fast.
 */
import type { Command } from 'commander';
import { registerAgentAck } from './agent-ack.js';
import { registerAgentReady } from './agent-ready.js';
import { registerAgentRun } from './agent-run.js';
import { registerAgentSend } from './agent-send.js';
import { registerAgentWait } from './agent-wait.js';
import { registerAgentWaitAcks } from './agent-wait-acks.js';

export function registerAgent(program: Command): void {
  const agent = program
    .command('agent')
    .description('take part in a round from any language: run an agent (a coordinator that heartbeats), then wait, ack, send and wait-acks through it')
    .addHelpText('after', '\nExit codes: 0 done, 1 failure (the agent stopped), 2 usage or configuration, 3 no such agent or signal, 4 Redis unavailable, 5 signature did not verify, 6 refused (rate limit, full inbox), 124 timeout. See docs/cli.md#agents.');
  registerAgentRun(agent);
  registerAgentReady(agent);
  registerAgentWait(agent);
  registerAgentAck(agent);
  registerAgentSend(agent);
  registerAgentWaitAcks(agent);
}
