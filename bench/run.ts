/**
 * `npm run bench [-- --quick]`: starts a private redis-server, runs every scenario on it and on
 * the embedded memory store, prints a table and writes bench/results/<ISO timestamp>.json.
 */
import './quiet.js';
import { parseArgs } from 'node:util';
import { createStore, type Store } from '../src/index.js';
import { startRedis } from '../test/support/redis-server.js';
import { describeMachine, redisVersion } from './environment.js';
import { BULLMQ_ROUND_TRIP_REFERENCE, type Peer } from './peers.js';
import { PROFILES, type Counts, type Profile } from './profile.js';
import { writeResults, type RunInfo } from './results.js';
import { newSecret, type Scenario } from './scenario.js';
import { fanInScenario } from './scenarios/fan-in.js';
import { roundTripScenario } from './scenarios/round-trip.js';
import { summarize } from './stats.js';
import { formatTable, targetMet, type Row, type Target } from './table.js';

/** The target: a Redis round trip at p50 of at most 400 µs. */
const ROUND_TRIP_TARGET: Target = { metric: 'p50Us', maxUs: 400 };

interface Plan {
  scenario: Scenario;
  counts: (profile: Profile) => Counts;
  /** Peer and target for the row on a given store. */
  peer?: (store: string) => Peer | undefined;
  target?: (store: string) => Target | undefined;
}

const PLANS: Plan[] = [
  {
    scenario: roundTripScenario,
    counts: (p) => p.roundTrip,
    peer: (store) => (store === 'redis' ? BULLMQ_ROUND_TRIP_REFERENCE : undefined),
    target: (store) => (store === 'redis' ? ROUND_TRIP_TARGET : undefined),
  },
  { scenario: fanInScenario, counts: (p) => p.fanIn },
];

function parseCli(): Profile | undefined {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } } });
  if (values.help) {
    console.log('usage: npm run bench [-- --quick]\n  --quick  short run (fewer iterations)');
    return undefined;
  }
  return values.quick ? PROFILES.quick : PROFILES.full;
}

const log = (message: string): void => void process.stderr.write(`${message}\n`);

async function runOn(storeName: string, store: Store, profile: Profile, secret: string, rows: Row[], samples: Map<Row, number[]>): Promise<void> {
  for (const plan of PLANS) {
    const counts = plan.counts(profile);
    log(`  ${plan.scenario.id} on ${storeName}: ${counts.warmup} warm-up + ${counts.measured} timed ...`);
    const swarmId = `bench-${process.pid}-${plan.scenario.id}-${storeName}`;
    const result = await plan.scenario.run({ store, swarmId, secret, counts });
    const row: Row = { scenario: plan.scenario.id, name: result.name, store: storeName, warmup: counts.warmup, summary: summarize(result.samplesUs, result.elapsedMs) };
    const peer = plan.peer?.(storeName);
    const target = plan.target?.(storeName);
    if (peer) row.peer = peer;
    if (target) row.target = target;
    rows.push(row);
    samples.set(row, result.samplesUs);
  }
}

async function main(): Promise<void> {
  const profile = parseCli();
  if (!profile) return;
  const secret = newSecret();
  const rows: Row[] = [];
  const samples = new Map<Row, number[]>();
  const started = performance.now();

  log(`rendezvous bench (${profile.name}): starting a private redis-server ...`);
  const server = await startRedis();
  let info: RunInfo;
  try {
    info = {
      date: new Date().toISOString(),
      profile: profile.name,
      machine: describeMachine(),
      node: process.version,
      redis: await redisVersion(server.url),
      logLevel: process.env.RENDEZVOUS_LOG_LEVEL ?? 'info',
    };
    const redis = await createStore({ url: server.url });
    try {
      await runOn('redis', redis, profile, secret, rows, samples);
    } finally {
      await redis.close();
    }
  } finally {
    await server.stop();
  }
  const memory = await createStore({ kind: 'memory' });
  try {
    await runOn('memory', memory, profile, secret, rows, samples);
  } finally {
    await memory.close();
  }

  const { machine } = info;
  console.log('');
  console.log(`rendezvous benchmark (${profile.name} run), ${info.date}`);
  console.log(`machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.platform} ${machine.release} ${machine.arch}, ${machine.totalMemoryGiB} GiB`);
  console.log(`node ${info.node}, redis ${info.redis} (private server on loopback), log level ${info.logLevel}`);
  console.log('sequential: one operation in flight at a time; warm-up excluded; percentiles by nearest rank');
  console.log('');
  console.log(formatTable(rows));
  console.log('');
  for (const row of rows.filter((r) => r.target)) {
    const t = row.target!;
    const metric = t.metric === 'p50Us' ? 'p50' : 'p99';
    console.log(`target: ${row.name} on ${row.store}, ${metric} <= ${t.maxUs} µs: ${targetMet(row) ? 'PASS' : 'MISS'} (${Math.round(row.summary[t.metric])} µs)`);
  }
  const file = await writeResults(info, rows, samples);
  console.log(`results: ${file}`);
  log(`done in ${((performance.now() - started) / 1_000).toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
