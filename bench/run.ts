/**
 * `npm run bench [-- --quick] [-- --metrics] [-- --rows 3,4]`: starts a private redis-server, measures every row
 * for Rendezvous and for BullMQ on it in the same run, prints the table and writes
 * bench/results/<ISO time>.json. `--metrics` measures only rows 1, 3 and 5 with metrics on and off
 * (rows 1m, 3m, 5m); `--rows` only the rows of the numbers given (a row's variants come with it).
 */
import './quiet.js';
import { createRequire } from 'node:module';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { createStore } from '../src/index.js';
import { startRedis } from '../test/support/redis-server.js';
import { describeMachine, redisVersion } from './environment.js';
import type { Row } from './figures.js';
import { PROFILES, type Profile } from './profile.js';
import { writeResults, type RunInfo } from './results.js';
import { burstRows, throughputRow } from './rows/concurrent.js';
import type { BenchEnv } from './rows/context.js';
import { fleetRows } from './rows/fleet.js';
import { embeddedRows, fanInRows, floorAndRoundTripRows, roundTripRow } from './rows/sequential.js';
import { metricsRows } from './rows/metrics.js';
import { workflowRows } from './rows/workflow.js';
import { replicatedRoundTripRow } from './rows/replicated.js';
import { settledMemoryRow } from './rows/settled.js';
import { cleanupRow, supervisionRow } from './rows/supervision.js';
import { operatorRows } from './rows/operator.js';
import { cliRow } from './rows/cli.js';
import { newSecret } from './scenario.js';
import { formatTable, formatTargets } from './table.js';

/** A row builder and the row numbers it measures (1 for 1a, 1r, 1e ...). */
interface Builder {
  numbers: readonly number[];
  build(env: BenchEnv): Promise<Row | Row[]>;
}

/** Row builders, in run order (the idle fleet runs alone, after the load rows; the embedded store's last). */
const BUILDERS: readonly Builder[] = [
  { numbers: [0, 1], build: floorAndRoundTripRows },
  { numbers: [1], build: roundTripRow },
  { numbers: [2], build: fanInRows },
  { numbers: [15], build: workflowRows },
  { numbers: [3], build: burstRows },
  { numbers: [4], build: throughputRow },
  { numbers: [5, 8], build: fleetRows },
  { numbers: [6], build: supervisionRow },
  { numbers: [7], build: cleanupRow },
  { numbers: [10, 11], build: operatorRows },
  { numbers: [14], build: cliRow },
  { numbers: [9], build: settledMemoryRow },
  { numbers: [1], build: replicatedRoundTripRow },
  { numbers: [1, 2], build: embeddedRows },
];

const USAGE = `usage: npm run bench [-- --quick] [-- --metrics] [-- --rows N,N...]
  --quick    short run (fewer iterations, shorter windows)
  --metrics  only rows 1, 3 and 5, each with metrics on and off in alternating blocks (1m, 3m, 5m)
  --rows     only the rows numbered (e.g. 3,4,15: the bursts, the throughput, the consensus round)`;

function parseCli(): { profile: Profile; metrics: boolean; builders: readonly Builder[] } | undefined {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, metrics: { type: 'boolean', default: false }, rows: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    console.log(USAGE);
    return undefined;
  }
  let builders = BUILDERS;
  if (values.rows !== undefined) {
    const wanted = new Set(values.rows.split(',').map((n) => Number.parseInt(n, 10)));
    builders = BUILDERS.filter((b) => b.numbers.some((n) => wanted.has(n)));
    if (builders.length === 0) throw new Error(`--rows ${values.rows}: no row has these numbers (0 to 15)\n${USAGE}`);
  }
  return { profile: values.quick ? PROFILES.quick : PROFILES.full, metrics: values.metrics, builders };
}

const log = (message: string): void => void process.stderr.write(`${message}\n`);

function bullmqVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('bullmq/package.json') as { version: string }).version;
}

/** bench/build/register.mjs maps the source to the build; without it the rows run src/ under tsx. */
const library = (): string => (import.meta.resolve('../src/index.js').includes('/dist/') ? 'the build (dist/)' : 'the source under tsx (src/)');

const loadAverage = (): number => Math.round(os.loadavg()[0]! * 100) / 100;

/** Row order: by the number, a row's embedded-store variant after the Redis ones. */
const order = (row: Row): number => Number.parseInt(row.id, 10) + (row.id.endsWith('e') ? 100 : 0);

async function main(): Promise<void> {
  const cli = parseCli();
  if (!cli) return;
  const { profile } = cli;
  const started = performance.now();
  const rows: Row[] = [];
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
      bullmq: bullmqVersion(),
      logLevel: process.env.RENDEZVOUS_LOG_LEVEL ?? 'info',
      library: library(),
      loadAverage: { start: loadAverage() },
    };
    const store = await createStore({ url: server.url });
    const env: BenchEnv = { profile, store, url: server.url, port: server.port, secret: newSecret(), log };
    try {
      if (cli.metrics) rows.push(...(await metricsRows(env)));
      else {
        for (const { build } of cli.builders) rows.push(...[await build(env)].flat());
      }
    } finally {
      await store.close();
    }
  } finally {
    await server.stop();
  }
  rows.sort((a, b) => order(a) - order(b));
  info.durationSec = Math.round((performance.now() - started) / 100) / 10;
  info.loadAverage.end = loadAverage();

  const { machine } = info;
  console.log('');
  console.log(`rendezvous benchmark (${profile.name} run), ${info.date}`);
  console.log(`machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.platform} ${machine.release} ${machine.arch}, ${machine.totalMemoryGiB} GiB`);
  console.log(`node ${info.node}, redis ${info.redis} (private server on loopback), bullmq ${info.bullmq}, log level ${info.logLevel}`);
  console.log(`library: ${info.library}`);
  console.log(`load average (1 min) at start ${info.loadAverage.start}, at end ${info.loadAverage.end}; run took ${info.durationSec} s`);
  console.log('both measured in this run on the same redis-server; ratio = rendezvous ÷ BullMQ (below 1 is better for times, above 1 for rates)');
  console.log('');
  console.log(formatTable(rows));
  console.log('');
  for (const line of formatTargets(rows)) console.log(line);
  const file = await writeResults(info, rows);
  console.log(`results: ${file}`);
  log(`done in ${info.durationSec.toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
