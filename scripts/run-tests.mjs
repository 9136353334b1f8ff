#!/usr/bin/env node
// Runs every test/**/*.test.ts file with node's built-in test runner (each
// file in its own process) through tsx.
//
//   node scripts/run-tests.mjs                 # all test files
//   node scripts/run-tests.mjs support core    # files whose path contains "support" or "core"
//   node scripts/run-tests.mjs --test-name-pattern=foo   # extra --flags are passed to node
//   TEST_CONCURRENCY=1 node scripts/run-tests.mjs         # one file at a time (default: one per core)
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const testDir = path.join(root, 'test');

const args = process.argv.slice(2);
const nodeFlags = args.filter((arg) => arg.startsWith('--'));
const filters = args.filter((arg) => !arg.startsWith('--'));

const files = readdirSync(testDir, { recursive: true })
  .map((entry) => path.join('test', String(entry)).split(path.sep).join('/'))
  .filter((file) => file.endsWith('.test.ts') && !file.split('/').includes('node_modules'))
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
  .sort();

if (files.length === 0) {
  console.error(
    filters.length > 0
      ? `run-tests: no test files under test/ match ${filters.map((f) => JSON.stringify(f)).join(', ')}`
      : 'run-tests: no *.test.ts files under test/',
  );
  process.exit(1);
}

// One file per core: most files wait on Redis servers and child processes, and Node's own default
// (cores - 1) runs one at a time on a 2-core machine.
const concurrencyFlags = [];
const concurrency = process.env.TEST_CONCURRENCY || String(os.availableParallelism());
if (!/^[1-9]\d*$/.test(concurrency)) {
  console.error(`run-tests: TEST_CONCURRENCY must be a positive integer, got ${JSON.stringify(concurrency)}`);
  process.exit(1);
}
const help = spawnSync(process.execPath, ['--help'], { encoding: 'utf8' });
if (`${help.stdout ?? ''}`.includes('--test-concurrency')) {
  concurrencyFlags.push(`--test-concurrency=${concurrency}`);
} else if (process.env.TEST_CONCURRENCY) {
  console.warn(`run-tests: node ${process.version} does not support --test-concurrency; ignoring TEST_CONCURRENCY`);
}

const nodeArgs = [
  '--import',
  'tsx',
  '--test',
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  // A test that hangs fails after 3 minutes instead of holding CI.
  '--test-timeout=180000',
  ...concurrencyFlags,
  ...nodeFlags,
  ...files,
];

console.log(`run-tests: ${files.length} file(s)${concurrencyFlags.length ? ` (${concurrencyFlags[0]})` : ''}`);

const child = spawn(process.execPath, nodeArgs, { cwd: root, stdio: 'inherit' });

// A test file whose process never exits (a timer or socket left open) would hold the run forever:
// the whole suite takes about two minutes, so give up after fifteen and say so.
const WATCHDOG_MS = Number(process.env.TEST_WATCHDOG_MS ?? 15 * 60_000);
const watchdog = setTimeout(() => {
  console.error(`run-tests: the suite ran longer than ${WATCHDOG_MS / 60_000} min; a test process is probably kept alive by a leftover timer or socket. Stopping.`);
  child.kill('SIGTERM');
}, WATCHDOG_MS);
watchdog.unref();

// Don't die before the child has cleaned up (its test processes stop their
// redis-servers). Ctrl-C already reaches the whole foreground process group;
// SIGTERM/SIGHUP sent to this process are forwarded.
process.on('SIGINT', () => {});
for (const signal of ['SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  });
}

child.on('error', (err) => {
  console.error(`run-tests: failed to start node: ${err.message}`);
  process.exit(1);
});

child.on('exit', (code, signal) => {
  if (signal) {
    console.error(`run-tests: test runner killed by ${signal}`);
    process.exit(1);
  }
  process.exit(code ?? 1);
});
