/**
 * Runs the BUILT CLI (dist/cli/main.js: `npm run build` first) as processes, for the agent tests:
 * one-shot calls, and `agent run` processes that a test stops or kills. Every process started here
 * is killed when the test process exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SECRET } from '../support/coordinators.js';
import { runProcess } from '../support/run-process.js';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(root, 'dist/cli/main.js');
const CALL_TIMEOUT_MS = 15_000;

const running = new Set<ChildProcess>();
const dirs = new Set<string>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** An environment for the CLI: the test's Redis and secret, its own socket directory, quiet logs, compressed heartbeats. */
export function agentEnv(redisUrl: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv & { RENDEZVOUS_AGENT_DIR: string } {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['REDIS_URL', 'BLOCKING_COORDINATION_SECRET', 'BLOCKING_COORDINATION_SECRET_NEW', 'RENDEZVOUS_AGENT_SOCKET', 'RENDEZVOUS_AGENT_ID', 'RENDEZVOUS_SWARM']) delete base[name];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rdv-agent-'));
  dirs.add(dir);
  return {
    ...base,
    REDIS_URL: redisUrl,
    BLOCKING_COORDINATION_SECRET: SECRET,
    RENDEZVOUS_AGENT_DIR: dir,
    RENDEZVOUS_LOG_LEVEL: 'warn',
    HEARTBEAT_INTERVAL: '50',
    HEARTBEAT_TTL: '2',
    ...extra,
  };
}

/** One CLI call to its end (killed after 15 s, so a hang fails the test instead of holding it). */
export function cli(args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return runProcess(process.execPath, [CLI, ...args], {
    env,
    timeoutMs: CALL_TIMEOUT_MS,
    started: (child) => {
      running.add(child);
      child.on('close', () => running.delete(child));
    },
  });
}

export interface AgentProcess {
  child: ChildProcess;
  /** The `{"ready":true,...}` line it printed. */
  ready: { id: string; swarm: string; socket: string; pid: number };
  /** SIGTERM, and its exit code and stderr once it exited. */
  stop(): Promise<{ code: number | null; stderr: string }>;
  kill(): Promise<void>;
}

/** Starts `agent run --id ID --swarm SWARM` and resolves once it printed its ready line. */
export function startAgent(id: string, swarm: string, env: NodeJS.ProcessEnv, extra: readonly string[] = []): Promise<AgentProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'agent', 'run', '--id', id, '--swarm', swarm, ...extra], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let stdout = '';
    let stderr = '';
    const exited = new Promise<{ code: number | null; stderr: string }>((done) =>
      child.on('close', (code) => {
        running.delete(child);
        done({ code, stderr });
      }),
    );
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const nl = stdout.indexOf('\n');
      if (nl === -1) return;
      resolve({
        child,
        ready: JSON.parse(stdout.slice(0, nl)) as AgentProcess['ready'],
        stop: () => (child.kill('SIGTERM'), exited),
        kill: async () => {
          child.kill('SIGKILL');
          await exited;
        },
      });
    });
    void exited.then(({ code }) => reject(new Error(`agent ${id} exited (${code}) before it was ready: ${stderr}`)));
  });
}

/** The one JSON line a call printed. */
export function line<T = Record<string, unknown>>(run: Run): T {
  const lines = run.stdout.trim().split('\n').filter(Boolean);
  if (lines.length !== 1) throw new Error(`expected one line, got ${lines.length}: exit ${run.code}\n${run.stdout}\n${run.stderr}`);
  return JSON.parse(lines[0]!) as T;
}

export function describe(run: Run): string {
  return `exit ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
}
