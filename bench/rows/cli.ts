import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BlockingCoordinator } from '../../src/index.js';
import { below, type Row } from '../figures.js';
import { percentile } from '../stats.js';
import type { BenchEnv } from './context.js';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const RUNS = 15;
const WARMUP = 2;
const quiet = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

/** Wall ms of each run of a whole process (start-up included), after the warm-up runs. */
function time(command: string, args: readonly string[], env: NodeJS.ProcessEnv): number[] {
  const out: number[] = [];
  for (let i = 0; i < WARMUP + RUNS; i += 1) {
    const start = performance.now();
    const run = spawnSync(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const ms = performance.now() - start;
    if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${run.status}: ${run.stderr?.toString()}`);
    if (i >= WARMUP) out.push(ms);
  }
  return out.sort((a, b) => a - b);
}

/** `rendezvous agent run` in the background, once it says it serves; stopped with SIGTERM by the caller. */
async function startAgent(id: string, swarmId: string, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CLI, 'agent', 'run', '--id', id, '--swarm', swarmId], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (out.includes('"ready":true')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`agent run exited ${code} before it served: ${err}`)));
  });
  await ready;
  return child;
}

/**
 * Row 14: a CLI read command end to end, start-up included (agents call it in loops; target under
 * 400 ms), beside an agent's call through a running `agent run`, redis-cli doing the same read
 * (XRANGE of the inbox) and a bare `node -e 0`.
 */
export async function cliRow(env: BenchEnv): Promise<Row> {
  const base = { id: '14', key: 'cli-read', title: 'CLI read command, whole process (rendezvous inbox --json)' };
  if (!existsSync(CLI)) return { ...base, figures: [], pending: ['dist/cli/main.js is missing: npm run build first'] };
  env.log(`  14 CLI read: ${RUNS} runs each of rendezvous inbox, rendezvous coordinators, rendezvous agent send, redis-cli XRANGE, node -e 0 ...`);
  const swarmId = `bench-${process.pid}-cli`;
  const sender = new BlockingCoordinator({ id: 'cli-sender', store: env.store, secret: env.secret, swarmId, logger: quiet, env: {} });
  await sender.start();
  try {
    for (let i = 0; i < 10; i += 1) await sender.sendSignal('cli-receiver', 'wake', { payload: { i } });
    const childEnv = { PATH: process.env.PATH, HOME: process.env.HOME, REDIS_URL: env.url, BLOCKING_COORDINATION_SECRET: env.secret };
    const inbox = time(process.execPath, [CLI, 'inbox', 'cli-receiver', '--swarm', swarmId, '--json'], childEnv);
    const coordinators = time(process.execPath, [CLI, 'coordinators', '--swarm', swarmId, '--json'], childEnv);
    // An agent's call (agents call these in loops too): through the socket of a running `agent run`, not the library.
    const agent = await startAgent(`bench-${process.pid}-agent`, swarmId, childEnv);
    let agentSend: number[];
    try {
      agentSend = time(process.execPath, [CLI, 'agent', 'send', '--id', `bench-${process.pid}-agent`, '--to', 'cli-sink', '--type', 'wake'], childEnv);
    } finally {
      agent.kill('SIGTERM');
      if (agent.exitCode === null) await once(agent, 'exit');
    }
    const node = time(process.execPath, ['-e', '0'], childEnv);
    const hasRedisCli = spawnSync('redis-cli', ['--version']).status === 0;
    const redisCli = hasRedisCli ? time('redis-cli', ['-u', env.url, 'XRANGE', `blocking:signal:{${swarmId}}:cli-receiver`, '-', '+', 'COUNT', '1000'], childEnv) : [];
    return {
      ...base,
      figures: [
        { metric: 'inbox p50', unit: 'ms', ours: percentile(inbox, 50), target: below(400, 'ms') },
        { metric: 'coordinators p50', unit: 'ms', ours: percentile(coordinators, 50), target: below(400, 'ms') },
        { metric: 'agent send p50 (through agent run)', unit: 'ms', ours: percentile(agentSend, 50) },
        ...(hasRedisCli ? [{ metric: 'redis-cli XRANGE, same inbox, p50', unit: 'ms', ours: percentile(redisCli, 50) }] : []),
        { metric: 'node -e 0 p50 (the floor)', unit: 'ms', ours: percentile(node, 50) },
      ],
      samples: { ours: inbox },
      details: { runs: RUNS, warmup: WARMUP, inboxMs: inbox, coordinatorsMs: coordinators, agentSendMs: agentSend, redisCliMs: redisCli, nodeMs: node },
    };
  } finally {
    await sender.stop();
  }
}
