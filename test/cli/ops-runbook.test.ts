/**
 * Every `rendezvous` command that docs/runbook.md shows in a bash block, run as it is written
 * (through bash, with `rendezvous` on PATH as the built binary) against a private redis-server:
 * a sender and a receiver with one acknowledged and one pending signal, and an election worker in
 * another process leading the namespace.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BlockingCoordinator, createStore, type Store } from '../../src/index.js';
import { BUILT_CLI, show, type CliRun } from '../support/built-cli.js';
import { SECRET } from '../support/coordinators.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { runProcess } from '../support/run-process.js';
import { until } from '../support/until.js';
import { WorkerProcess } from '../support/worker-process.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SWARM = 'runbook-swarm';
const NS = 'runbook-ns';
const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

/** The `rendezvous ...` lines of the runbook's bash blocks, in order. */
function runbookCommands(): string[] {
  const text = readFileSync(path.join(root, 'docs/runbook.md'), 'utf8');
  return [...text.matchAll(/^```bash\n([\s\S]*?)\n```$/gm)].flatMap((m) => m[1]!.split('\n').filter((line) => line.startsWith('rendezvous ')));
}

function bash(line: string, cwd: string, env: Record<string, string>): Promise<CliRun> {
  return runProcess('bash', ['-c', line], { cwd, env, timeoutMs: 20_000 });
}

describe('the CLI commands docs/runbook.md shows', { timeout: 60_000 }, () => {
  let server: RedisServer;
  let store: Store;
  let dir: string;
  let worker: WorkerProcess;
  const coordinators: BlockingCoordinator[] = [];
  let env: Record<string, string>;

  before(async () => {
    assert.ok(existsSync(BUILT_CLI), 'run `npm run build` first');
    server = await startRedis();
    dir = mkdtempSync(path.join(tmpdir(), 'rdv-runbook-'));
    mkdirSync(path.join(dir, 'bin'));
    writeFileSync(path.join(dir, 'bin', 'rendezvous'), `#!/bin/sh\nexec "${process.execPath}" "${BUILT_CLI}" "$@"\n`);
    chmodSync(path.join(dir, 'bin', 'rendezvous'), 0o755);
    worker = new WorkerProcess({ STORE_SPEC: JSON.stringify({ url: server.url }), NAMESPACE: NS, LEASE_MS: '1500', HEARTBEAT_MS: '100' });
    store = await createStore({ url: server.url });
    const make = (id: string) => new BlockingCoordinator({ id, store, secret: SECRET, swarmId: SWARM, logger: silent, env: {} });
    const [sender, receiver] = [make('coord-a'), make('coord-b')];
    coordinators.push(sender, receiver);
    await Promise.all([sender.start(), receiver.start(), worker.ready()]);
    // One signal acknowledged (MESSAGE_ID), one left pending in the inbox.
    const { messageId } = await sender.sendSignal('coord-b', 'wake');
    await receiver.acknowledge(await receiver.blockUntilSignal({ timeoutMs: 5_000 }));
    await sender.sendSignal('coord-b', 'completion', { iteration: 1, payload: { ok: true } });
    await until('the worker leads', async () => (await store.readLease(NS)).holder !== null);
    env = {
      PATH: `${path.join(dir, 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      HOME: process.env.HOME ?? '/tmp',
      NO_COLOR: '1',
      REDIS_URL: server.url,
      BLOCKING_COORDINATION_SECRET: SECRET,
      SWARM,
      RECEIVER: 'coord-b',
      MESSAGE_ID: messageId,
      NS,
    };
  });

  after(async () => {
    worker?.child.kill('SIGKILL');
    await worker?.exited;
    await Promise.all(coordinators.map((c) => c.stop()));
    await store?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('each runs and succeeds (doctor: pass or warn), in the order the runbook gives them', async () => {
    const lines = runbookCommands();
    const named = new Set(lines.map((line) => line.split(/\s+/).slice(1, line.startsWith('rendezvous leaders release') || line.startsWith('rendezvous secret') ? 3 : 2).join(' ')));
    for (const command of ['doctor', 'coordinators', 'inbox', 'resend', 'acks', 'verify', 'cleanup', 'leaders', 'leaders release', 'collect-diagnostics']) {
      assert.ok(named.has(command), `the runbook shows \`rendezvous ${command}\` (found: ${[...named].join(', ')})`);
    }
    for (const line of lines) {
      const run = await bash(line, dir, env);
      const allowed = line.startsWith('rendezvous doctor') ? [0, 1] : [0];
      assert.ok(allowed.includes(run.code ?? -1), `${line}\n${show(run)}`);
      if (line.startsWith('rendezvous verify')) assert.match(run.stdout, /signature OK/, show(run));
      if (line.startsWith('rendezvous acks')) assert.match(run.stdout, /coord-b\s+\S+\s+-\s+yes/, show(run));
      if (line.startsWith('rendezvous leaders release')) assert.match(run.stdout, /^released the lease of runbook-ns/, show(run));
    }
    assert.ok(existsSync(path.join(dir, 'rendezvous-diagnostics.json')), 'collect-diagnostics wrote its file where the runbook says');
  });
});
