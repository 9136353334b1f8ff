/**
 * The differential test (DESIGN.md, "Layers"): seeded random sequences of Store operations run on
 * the memory store and on a private Redis must give the same results, step by step, and leave the
 * same keyspace. Results are normalised only where the adapters may legitimately differ (entry ids
 * and times, store times, TTLs read some ms later, orders the port does not promise, JSON key
 * order of documents the store writes): see differential/normalise.ts and the comments beside
 * each operation in differential/operations.ts.
 *
 *   node scripts/run-tests.mjs differential                    # seeds 1..20, 60 operations each
 *   DIFF_SEED=7 node scripts/run-tests.mjs differential        # replay seed 7 alone
 *   DIFF_SEED=1000 DIFF_RUNS=200 node scripts/run-tests.mjs differential   # seeds 1000..1199
 *   DIFF_OPS=200 ...                                           # operations per sequence
 *   DIFF_TRACE=1 ...      # print every step with its (memory) result
 *   DIFF_KEEP_GOING=1 ...  # go on after a sequence's first mismatch and list them all (triage;
 *                          # mismatches after the first may be its consequences)
 *
 * A mismatch names the seed, the step, the operation with its arguments (entry ids as
 * `@<stream key>#<n>`: the n-th entry id of that stream in order of appearance) and both results,
 * normalised and raw.
 */
import { after, before, test } from 'node:test';
import { inspect, isDeepStrictEqual } from 'node:util';
import { Redis } from 'ioredis';
import { createStore } from '../../src/store/create-store.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import type { Store } from '../../src/store/port.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { Norm } from './differential/normalise.js';
import { Gen, KEYSPACE, OPERATIONS, newHints, type Call, type Operation, type Outcome } from './differential/operations.js';
import { Rng } from './differential/prng.js';

function positiveInt(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new Error(`${name} must be a positive whole number, got ${JSON.stringify(text)}`);
  return Number(text);
}

const FIRST_SEED = positiveInt('DIFF_SEED', 1);
const RUNS = positiveInt('DIFF_RUNS', process.env.DIFF_SEED ? 1 : 20);
const STEPS = positiveInt('DIFF_OPS', 60);
// Longer sequences could append more than the adapters' stream caps (100 lease events per
// namespace), where Redis's approximate trimming (MAXLEN ~) legitimately keeps more than the
// memory store's exact one: not a difference this test may report.
if (STEPS > 1_000) throw new Error(`DIFF_OPS is at most 1000 (stream caps would apply), got ${STEPS}`);
const KEEP_GOING = process.env.DIFF_KEEP_GOING === '1';
const TRACE = process.env.DIFF_TRACE === '1';
const SEEDS = Array.from({ length: RUNS }, (_, i) => FIRST_SEED + i);

let server: RedisServer;
let redis: Store;
let admin: Redis;

before(async () => {
  server = await startRedis();
  redis = await createStore({ url: server.url });
  admin = new Redis(server.port, server.host);
});

after(async () => {
  await redis?.close();
  admin?.disconnect();
  await server?.stop();
});

const show = (value: unknown): string => inspect(value, { depth: 8, breakLength: Number.POSITIVE_INFINITY, maxArrayLength: 200, maxStringLength: 400 });
const showCall = (call: Call): string => `${call.name}(${call.args.map((a) => (a === undefined ? 'undefined' : JSON.stringify(a))).join(', ')})`;

/** For the keyspace: which keys only one adapter has, and which differ. */
function keyspaceDiff(memory: unknown, redisValue: unknown): string {
  if (!Array.isArray(memory) || !Array.isArray(redisValue)) return '';
  const byKey = (rows: { key: string }[]) => new Map(rows.map((row) => [row.key, row]));
  const m = byKey(memory as { key: string }[]);
  const r = byKey(redisValue as { key: string }[]);
  const lines = [
    ...[...m.keys()].filter((k) => !r.has(k)).map((k) => `  only on memory: ${show(m.get(k))}`),
    ...[...r.keys()].filter((k) => !m.has(k)).map((k) => `  only on redis:  ${show(r.get(k))}`),
    ...[...m.keys()].filter((k) => r.has(k) && !isDeepStrictEqual(m.get(k), r.get(k))).map((k) => `  differs: memory ${show(m.get(k))} / redis ${show(r.get(k))}`),
  ];
  return lines.length > 0 ? `keyspace differences:\n${lines.join('\n')}\n` : '';
}

interface Mismatch {
  step: number | 'final';
  call: Call;
  memory: Outcome;
  redis: Outcome;
}

function report(seed: number, mismatch: Mismatch, history: string[]): string {
  return [
    `memory and redis differ: seed ${seed}, step ${mismatch.step} (replay: DIFF_SEED=${seed}${STEPS !== 60 ? ` DIFF_OPS=${STEPS}` : ''} node scripts/run-tests.mjs differential)`,
    `operation: ${showCall(mismatch.call)}`,
    `memory: ${show(mismatch.memory.value)}`,
    `redis:  ${show(mismatch.redis.value)}`,
    `memory raw: ${show(mismatch.memory.raw)}`,
    `redis raw:  ${show(mismatch.redis.raw)}`,
    keyspaceDiff(mismatch.memory.value, mismatch.redis.value),
    `the steps before it:\n${history.slice(-15).join('\n') || '  (none)'}`,
  ].join('\n');
}

/** Runs one operation on both adapters (each with its own entry ids) and compares the normalised results. */
async function both(operation: Operation, call: Call, memory: Store, norms: { memory: Norm; redis: Norm }): Promise<{ memory: Outcome; redis: Outcome; same: boolean }> {
  const [m, r] = await Promise.all([operation.run(memory, call.args, norms.memory), operation.run(redis, call.args, norms.redis)]);
  return { memory: m, redis: r, same: isDeepStrictEqual(m.value, r.value) };
}

async function runSequence(seed: number): Promise<void> {
  await admin.flushall();
  const memory: Store = new MemoryStore();
  const since = Date.now();
  const norms = { memory: new Norm(since), redis: new Norm(since) };
  const rng = new Rng(seed);
  const hints = newHints();
  const weights = OPERATIONS.map((op) => [op, op.weight] as const);
  const history: string[] = [];
  const mismatches: Mismatch[] = [];
  try {
    for (let step = 0; step < STEPS; step++) {
      const operation = rng.weighted(weights);
      const call: Call = { name: operation.name, args: operation.draw(new Gen(rng, norms.memory.book, hints, step)) };
      const result = await both(operation, call, memory, norms);
      if (!result.same) {
        mismatches.push({ step, call, memory: result.memory, redis: result.redis });
        if (!KEEP_GOING) break;
      } else {
        operation.learn?.(result.memory.value, call.args, hints);
      }
      history.push(`  ${step}: ${showCall(call)} -> ${show(result.memory.value)}${result.same ? '' : ` / redis ${show(result.redis.value)}`}`);
      if (TRACE) console.log(`seed ${seed}${history.at(-1)}`);
    }
    if (mismatches.length === 0 || KEEP_GOING) {
      const call: Call = { name: KEYSPACE.name, args: [] };
      const result = await both(KEYSPACE, call, memory, norms);
      if (!result.same) mismatches.push({ step: 'final', call, memory: result.memory, redis: result.redis });
    }
  } finally {
    await memory.close();
  }
  if (mismatches.length > 0) {
    const [first, ...more] = mismatches;
    const rest = more.map((m) => `--- also at step ${m.step}: ${showCall(m.call)}\n  memory: ${show(m.memory.value)}\n  redis:  ${show(m.redis.value)}`);
    throw new Error([report(seed, first!, history), ...rest].join('\n'));
  }
}

for (const seed of SEEDS) {
  test(`memory and redis agree on seeded operation sequence ${seed} (${STEPS} operations)`, () => runSequence(seed));
}
