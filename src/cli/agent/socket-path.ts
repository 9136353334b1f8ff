/**
 * Where an agent's Unix socket lives: `--socket`, else RENDEZVOUS_AGENT_SOCKET, else
 * `<dir>/<id>.sock` in a per-user directory of mode 0700 (RENDEZVOUS_AGENT_DIR, else
 * $XDG_RUNTIME_DIR/rendezvous, else <tmpdir>/rendezvous-<uid>), so other users cannot reach it.
 */
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function agentSocketPath(id: string, explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return path.resolve(explicit);
  if (env.RENDEZVOUS_AGENT_SOCKET) return path.resolve(env.RENDEZVOUS_AGENT_SOCKET);
  return path.join(agentDir(env), `${id}.sock`);
}

function agentDir(env: NodeJS.ProcessEnv): string {
  if (env.RENDEZVOUS_AGENT_DIR) return path.resolve(env.RENDEZVOUS_AGENT_DIR);
  if (env.XDG_RUNTIME_DIR) return path.join(env.XDG_RUNTIME_DIR, 'rendezvous');
  return path.join(os.tmpdir(), `rendezvous-${os.userInfo().uid}`);
}

/** Creates the socket's directory (mode 0700 when this call creates it) before the agent listens. */
export function ensureSocketDir(socket: string): void {
  mkdirSync(path.dirname(socket), { recursive: true, mode: 0o700 });
}
