/**
 * `npm run bench [-- --quick] [-- --metrics]`: starts a private redis-server, measures every row for Rendezvous
 * and for BullMQ on it in the same run, prints the table and writes bench/results/<ISO time>.json.
 * `--metrics` measures only rows 1, 3 and 5 with metrics on and off (rows 1m, 3m, 5m).
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

/** Row builders on the private Redis, in run order (the idle fleet runs alone, after the load rows). */
const REDIS_ROWS: ((env: BenchEnv) => Promise<Row | Row[]>)[] = [floorAndRoundTripRows, roundTripRow, fanInRows, workflowRows, burstRows, throughputRow, fleetRows, supervisionRow, cleanupRow, operatorRows, cliRow, settledMemoryRow, replicatedRoundTripRow];

function parseCli(): { profile: Profile; metrics: boolean } | undefined {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, metrics: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } } });
  if (values.help) {
    console.log('usage: npm run bench [-- --quick] [-- --metrics]\n  --quick    short run (fewer iterations, shorter windows)\n  --metrics  only rows 1, 3 and 5, each with metrics on and off in alternating blocks (1m, 3m, 5m)');
    return undefined;
  }
  return { profile: values.quick ? PROFILES.quick : PROFILES.full, metrics: values.metrics };
}

const log = (message: string): void => void process.stderr.write(`${message}\n`);

function bullmqVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('bullmq/package.json') as { version: string }).version;
}

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
      loadAverage: { start: loadAverage() },
    };
    const store = await createStore({ url: server.url });
    const env: BenchEnv = { profile, store, url: server.url, port: server.port, secret: newSecret(), log };
    try {
      if (cli.metrics) rows.push(...(await metricsRows(env)));
      else {
        for (const build of REDIS_ROWS) rows.push(...[await build(env)].flat());
        rows.push(...(await embeddedRows(env)));
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
