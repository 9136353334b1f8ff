import { spawn, type ChildProcess } from 'node:child_process';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SECRET } from './coordinators.js';

/** test/fixtures/agent-process.ts: a validator in its own process (a command spawner can start it too). */
export const AGENT_FIXTURE = fileURLToPath(new URL('../fixtures/agent-process.ts', import.meta.url));

/** The environment an agent process needs to reach the store at `url`. */
export function agentEnv(url: string, logLevel = 'error'): NodeJS.ProcessEnv {
  return { ...process.env, STORE_SPEC: JSON.stringify({ url }), SECRET, RENDEZVOUS_LOG_LEVEL: logLevel };
}

/** Starts agent processes of one swarm on demand; resolves each once it listens. Every one still running is SIGKILLed after the file's tests. */
export function agentProcesses(url: () => string, swarmId: string, logLevel?: string): (id: string) => Promise<ChildProcess> {
  const children: ChildProcess[] = [];
  after(() => {
    for (const child of children) child.kill('SIGKILL');
  });
  return (id) => {
    const child = spawn(process.execPath, ['--import', 'tsx', AGENT_FIXTURE, '--id', id, '--swarm', swarmId], { env: agentEnv(url(), logLevel), stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    return new Promise((resolve) => child.stdout!.once('data', () => resolve(child)));
  };
}
