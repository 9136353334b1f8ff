import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { startRedis, type RedisServer } from './support/redis-server.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEMO_TIMEOUT_MS = 25_000;

interface DemoRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the demo as `npm run demo` does, with a clean environment plus `env`; kills it if it hangs. */
function runDemo(env: Record<string, string> = {}): Promise<DemoRun> {
  const base = { ...process.env };
  for (const name of ['REDIS_URL', 'REDIS_PASSWORD', 'BLOCKING_COORDINATION_SECRET', 'BLOCKING_COORDINATION_SECRET_NEW', 'DEMO_CONFIDENCES', 'RENDEZVOUS_LOG_LEVEL']) {
    delete base[name];
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'demo/consensus-round.ts'], { cwd: root, env: { ...base, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), DEMO_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

function describeRun(run: DemoRun): string {
  return `exit ${run.code} (signal ${run.signal})\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
}

/** The bullet lines under "Recommendations of the last round (n unique of m):". */
function recommendations(stdout: string): { listed: string[]; unique: number; mentioned: number } {
  const lines = stdout.split('\n');
  const header = lines.findIndex((line) => /^Recommendations of the last round \(\d+ unique of \d+\):$/.test(line));
  assert.ok(header >= 0, `no Recommendations header in:\n${stdout}`);
  const [, unique, mentioned] = /\((\d+) unique of (\d+)\)/.exec(lines[header]!)!;
  const listed: string[] = [];
  for (const line of lines.slice(header + 1)) {
    const match = /^ {2}- (.+)$/.exec(line);
    if (!match) break;
    listed.push(match[1]!);
  }
  return { listed, unique: Number(unique), mentioned: Number(mentioned) };
}

/** A loop that ran to its end: the decision, each round's consensus, every answer counted, the resume shown, steps in order. */
function assertCompleteLoop(run: DemoRun, decision: 'PROCEED' | 'ESCALATE', rounds: [decision: string, consensus: string][]): void {
  assert.equal(run.code, 0, describeRun(run));
  assert.equal(run.stderr, '', `the demo should be quiet on stderr\n${describeRun(run)}`);
  const iterations = `${rounds.length} iteration${rounds.length === 1 ? '' : 's'}`;
  assert.ok(run.stdout.includes(`Decision: ${decision} after ${iterations}: `), describeRun(run));
  for (const [index, [roundDecision, consensus]] of rounds.entries()) {
    assert.match(run.stdout, new RegExp(`^  iteration ${index + 1}: ${roundDecision}, consensus ${consensus.replace('.', '\\.')} `, 'm'), describeRun(run));
  }
  for (const id of ['validator-1', 'validator-2', 'validator-3']) {
    const answers = [...run.stdout.matchAll(new RegExp(`product-owner +<- answer from ${id}: confidence`, 'g'))];
    assert.equal(answers.length, rounds.length + 1, `${id} answered each round, and its answer was read back once on the resume`);
  }
  assert.match(run.stdout, /resumed 3 of 3, decision \w+, same answers: true/);
  assert.doesNotMatch(run.stdout, /REJECTED/);
  // Numbered steps, in order, and the shutdown is the last one.
  const numbers = [...run.stdout.matchAll(/^ *\d+ ms +(\d+)\. /gm)].map((m) => Number(m[1]));
  assert.deepEqual(numbers, numbers.map((_, i) => i + 1));
  assert.match(run.stdout.trimEnd().split('\n').at(-1)!, /demo +validators stopped, coordinators shut down .*store closed$/);
}

describe('demo/consensus-round.ts', { timeout: 30_000 }, () => {
  test('default loop on the embedded store: PROCEED at 0.917 in one iteration, generated secret, exits 0 by itself', async () => {
    const run = await runDemo();
    assertCompleteLoop(run, 'PROCEED', [['PROCEED', '0.917']]);
    assert.match(run.stdout, /store: embedded/);
    assert.match(run.stdout, /generated a random 32-byte secret/);
    const { listed, unique, mentioned } = recommendations(run.stdout);
    assert.equal(new Set(listed).size, listed.length, `recommendations are unique: ${JSON.stringify(listed)}`);
    assert.deepEqual([listed.length, unique, mentioned], [4, 4, 7]);
  });

  test('DEMO_CONFIDENCES=0.8,0.85,0.9: DEFER at 0.850, the feedback reaches iteration 2, which proceeds; BLOCKING_COORDINATION_SECRET is used when set', async () => {
    const run = await runDemo({ DEMO_CONFIDENCES: '0.8,0.85,0.9', BLOCKING_COORDINATION_SECRET: 'd'.repeat(64) });
    assertCompleteLoop(run, 'PROCEED', [
      ['DEFER', '0.850'],
      ['PROCEED', '0.950'],
    ]);
    assert.match(run.stdout, /iteration 2: the implementers work, addressing 4 recommendations/);
    assert.match(run.stdout, /secret: BLOCKING_COORDINATION_SECRET$/m);
    assert.doesNotMatch(run.stdout, /generated/);
  });

  test('DEMO_CONFIDENCES=0.5,0.5,0.5: no consensus in 3 iterations, ESCALATE', async () => {
    const run = await runDemo({ DEMO_CONFIDENCES: '0.5,0.5,0.5' });
    assertCompleteLoop(run, 'ESCALATE', [
      ['DEFER', '0.500'],
      ['DEFER', '0.600'],
      ['DEFER', '0.700'],
    ]);
    assert.match(run.stdout, /ESCALATE: no consensus in 3 iterations/);
  });

  test('an invalid DEMO_CONFIDENCES fails with exit 1 and says why', async () => {
    const run = await runDemo({ DEMO_CONFIDENCES: '0.9,lots' });
    assert.equal(run.code, 1, describeRun(run));
    assert.match(run.stderr, /DEMO_CONFIDENCES must be 3 comma-separated numbers between 0 and 1/);
  });
});

describe('demo/consensus-round.ts on Redis (REDIS_URL)', { timeout: 30_000 }, () => {
  let server: RedisServer;
  before(async () => {
    server = await startRedis();
  });
  after(async () => {
    await server?.stop();
  });

  test('the same round runs on Redis, twice in a row, and leaves no inbox entry or heartbeat behind', async () => {
    for (let round = 1; round <= 2; round++) {
      const run = await runDemo({ REDIS_URL: server.url });
      assertCompleteLoop(run, 'PROCEED', [['PROCEED', '0.917']]);
      assert.match(run.stdout, /store: Redis/);
    }
    const redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
    try {
      for (const id of ['product-owner', 'validator-1', 'validator-2', 'validator-3']) {
        const inbox = `blocking:signal:{demo-swarm}:${id}`;
        assert.equal(await redis.type(inbox), 'stream', inbox);
        assert.equal(await redis.xlen(inbox), 0, `${inbox} is empty: every signal was acknowledged`);
        assert.equal(await redis.exists(`blocking:heartbeat:${id}`), 0, `heartbeat of ${id} removed on shutdown`);
      }
      assert.equal(await redis.zcard('coordinator:registry:{demo-swarm}'), 0);
    } finally {
      await redis.quit();
    }
  });
});
