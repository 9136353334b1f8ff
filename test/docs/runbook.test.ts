/**
 * The runbook's shell recipes, run for real against a private redis-server: the signature check
 * an operator pastes must say OK for a genuine signal and MISMATCH (exit 1) for a wrong secret.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BlockingCoordinator, createStore, type Logger, type Store } from '../../src/index.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { runProcess, type ProcessRun } from '../support/run-process.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const runbook = readFileSync(path.join(root, 'docs/runbook.md'), 'utf8');

const SWARM = 'swarm-1';
const SECRET = 'runbook-test-secret-0123456789abcdef0123456789abcdef';
const OTHER_SECRET = 'a-different-secret-of-more-than-32-bytes!!';

/** The body of the one ```bash block between `<!-- name:begin -->` and `<!-- name:end -->`. */
function markedBlock(name: string): string {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const start = runbook.indexOf(begin);
  assert.ok(start >= 0, `docs/runbook.md has no ${begin}`);
  assert.equal(runbook.indexOf(begin, start + 1), -1, `${begin} appears once`);
  const stop = runbook.indexOf(end, start);
  assert.ok(stop > start, `docs/runbook.md has no ${end} after ${begin}`);
  const between = runbook.slice(start + begin.length, stop).trim();
  const match = /^```bash\n([\s\S]*?)\n```$/.exec(between);
  assert.ok(match, `exactly one fenced bash block between the ${name} markers, got:\n${between}`);
  return match[1]!;
}

/** Every ```bash block of the runbook. */
function allBashBlocks(): string[] {
  return [...runbook.matchAll(/^```bash\n([\s\S]*?)\n```$/gm)].map((m) => m[1]!);
}

type Run = ProcessRun;

function bash(args: string[], env: Record<string, string>, input?: string): Promise<Run> {
  return runProcess('bash', args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env }, timeoutMs: 15_000, ...(input === undefined ? {} : { input }) });
}

const show = (run: Run) => `exit ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

describe('docs/runbook.md recipes', { timeout: 60_000 }, () => {
  let server: RedisServer | undefined;
  let store: Store | undefined;
  let coordA: BlockingCoordinator | undefined;
  let env: Record<string, string>;

  before(async () => {
    server = await startRedis();
    store = await createStore({ url: server.url });
    coordA = new BlockingCoordinator({ id: 'coord-a', store, secret: SECRET, swarmId: SWARM, logger: silent });
    await coordA.start();
    env = { REDIS_URL: server.url, SWARM };
  });

  after(async () => {
    await coordA?.stop();
    await store?.close();
    await server?.stop();
  });

  test('verify-signal: OK with the sender\'s secret, MISMATCH and exit 1 with another', async () => {
    const block = markedBlock('verify-signal');
    // coord-b is never started, so the signal stays in its inbox.
    const { messageId } = await coordA!.sendSignal('coord-b', 'wake');

    const ok = await bash(['-c', block], { ...env, RECEIVER: 'coord-b', BLOCKING_COORDINATION_SECRET: SECRET });
    assert.equal(ok.code, 0, show(ok));
    assert.match(ok.stdout, /^signature OK$/m, show(ok));
    const timestamp = messageId.split(':').at(-1);
    assert.ok(ok.stdout.includes(`signing string: coord-a:coord-b:wake:${timestamp}`), show(ok));

    const bad = await bash(['-c', block], { ...env, RECEIVER: 'coord-b', BLOCKING_COORDINATION_SECRET: OTHER_SECRET });
    assert.equal(bad.code, 1, show(bad));
    assert.match(bad.stdout, /^signature MISMATCH$/m, show(bad));
    assert.doesNotMatch(bad.stdout, /signature OK/);

    const empty = await bash(['-c', block], { ...env, RECEIVER: 'coord-nobody', BLOCKING_COORDINATION_SECRET: SECRET });
    assert.equal(empty.code, 2, show(empty));
  });

  test('verify-signal-full: covers iteration, payload and idempotency key', async () => {
    const block = markedBlock('verify-signal-full');
    await coordA!.sendSignal('coord-c', 'completion', {
      iteration: 2,
      payload: { confidence: 0.92, recommendations: ['Log failed logins', 'é ü ✓'], nested: { z: [1, { b: null, a: true }], note: 'line\nbreak "quoted"' } },
      idempotencyKey: 'task-42.validate.2',
    });
    const ok = await bash(['-c', block], { ...env, RECEIVER: 'coord-c', BLOCKING_COORDINATION_SECRET: SECRET });
    assert.equal(ok.code, 0, show(ok));
    assert.match(ok.stdout, /^signing string: coord-a:coord-c:completion:\d+:iteration=2:payload=[0-9a-f]{64}:idempotencyKey=task-42\.validate\.2$/m, show(ok));
    assert.match(ok.stdout, /^signature OK$/m, show(ok));

    const bad = await bash(['-c', block], { ...env, RECEIVER: 'coord-c', BLOCKING_COORDINATION_SECRET: OTHER_SECRET });
    assert.equal(bad.code, 1, show(bad));
    assert.match(bad.stdout, /^signature MISMATCH$/m, show(bad));

    // The short recipe does not cover the appended fields: it must not claim OK for this signal.
    const short = await bash(['-c', markedBlock('verify-signal')], { ...env, RECEIVER: 'coord-c', BLOCKING_COORDINATION_SECRET: SECRET });
    assert.equal(short.code, 1, show(short));

    // And the full recipe agrees with the short one on a plain signal.
    const plain = await bash(['-c', block], { ...env, RECEIVER: 'coord-b', BLOCKING_COORDINATION_SECRET: SECRET });
    assert.equal(plain.code, 0, show(plain));
    assert.match(plain.stdout, /^signature OK$/m, show(plain));
  });

  test('heartbeat-age: ages on the Redis clock, from the key and the registry', async () => {
    const block = markedBlock('heartbeat-age');
    const live = await bash(['-c', block], { ...env, ID: 'coord-a' });
    assert.equal(live.code, 0, show(live));
    const age = /^coord-a: heartbeat (-?\d+) ms old, status (active|waiting), sequence \d+$/m.exec(live.stdout);
    assert.ok(age, show(live));
    assert.ok(Math.abs(Number(age[1])) < 10_000, `a fresh heartbeat is young: ${age[1]} ms`);
    assert.match(live.stdout, /^registry: coord-a last beat -?\d+ ms ago$/m, show(live));

    const absent = await bash(['-c', block], { ...env, ID: 'coord-nobody' });
    assert.equal(absent.code, 0, show(absent));
    assert.match(absent.stdout, /^coord-nobody: no heartbeat key/m, show(absent));

    const emptySwarm = await bash(['-c', block], { ...env, SWARM: 'swarm-empty', ID: 'coord-nobody' });
    assert.equal(emptySwarm.code, 0, show(emptySwarm));
    assert.doesNotMatch(emptySwarm.stdout, /registry:/, show(emptySwarm));
  });

  test('every bash block of the runbook is valid bash', async () => {
    const blocks = allBashBlocks();
    assert.ok(blocks.length >= 5, `found ${blocks.length} bash blocks`);
    for (const block of blocks) {
      const run = await bash(['-n'], {}, block);
      assert.equal(run.code, 0, `bash -n failed:\n${block}\n${show(run)}`);
    }
  });
});
