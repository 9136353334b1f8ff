/** What every agent command shares: which agent (`--id`, or RENDEZVOUS_AGENT_ID) and its socket. */
import type { Command } from 'commander';
import { assertId } from '../../protocol/ids.js';
import { InvalidConfigError } from '../../protocol/errors.js';
import { agentSocketPath } from './socket-path.js';

export interface AgentFlags {
  id?: string;
  socket?: string;
  json?: boolean;
}

export function addAgentFlags(command: Command): Command {
  return command
    .option('--id <id>', 'the agent (coordinator) id (env RENDEZVOUS_AGENT_ID)')
    .option('--socket <path>', "the agent's socket (env RENDEZVOUS_AGENT_SOCKET; default <RENDEZVOUS_AGENT_DIR>/<id>.sock)")
    .option('--json', 'errors as one JSON object on stderr (output is JSON lines always)');
}

/** The agent's id and socket path, checked before anything connects. */
export function resolveAgent(flags: AgentFlags, env: NodeJS.ProcessEnv = process.env): { id: string; socket: string } {
  const id = flags.id ?? (env.RENDEZVOUS_AGENT_ID || undefined);
  if (id === undefined) throw new InvalidConfigError('no agent id: pass --id or set RENDEZVOUS_AGENT_ID');
  assertId(id, 'coordinator id');
  return { id, socket: agentSocketPath(id, flags.socket, env) };
}
