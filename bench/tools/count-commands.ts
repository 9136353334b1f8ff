/**
 * Diagnostic: counts the Redis commands one sequential round trip and one fan-in round cost,
 * by running a few of each on a private redis-server watched with MONITOR.
 *
 *   npx tsx bench/tools/count-commands.ts [iterations]
 */
import '../quiet.js';
import { Redis } from 'ioredis';
import { createStore } from '../../src/index.js';
import { startRedis } from '../../test/support/redis-server.js';
import { newSecret, type Scenario } from '../scenario.js';
import { fanInScenario } from '../scenarios/fan-in.js';
import { roundTripScenario } from '../scenarios/round-trip.js';

const iterations = Number(process.argv[2] ?? 200);

/** MONITOR line: `<time> [<db> <addr>] "CMD" "arg" ...`; EVALSHA is named by its script. */
function commandOf(line: string, shas: Map<string, string>): string {
  const args = [...line.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!);
  const name = (args[0] ?? '?').toUpperCase();
  if (name === 'EVALSHA') return `EVALSHA ${shas.get(args[1] ?? '') ?? args[1]?.slice(0, 8)}`;
  if (name === 'XREADGROUP' || name === 'XREAD') return `${name}${args.some((a) => a.toUpperCase() === 'BLOCK') ? ' BLOCK' : ''}`;
  return name;
}

async function count(scenario: Scenario, url: string, shas: Map<string, string>): Promise<void> {
  const store = await createStore({ url });
  const monitor = new Redis(url);
  const tally = new Map<string, number>();
  let counting = false;
  const feed = await monitor.monitor();
  feed.on('monitor', (_time: string, args: string[], source: string) => {
    if (!counting) return;
    const line = args.map((a) => `"${a}"`).join(' ');
    // Commands a Lua script runs inside Redis are not network round trips: mark them.
    const name = `${source === 'lua' ? '  (in script) ' : ''}${commandOf(line, shas)}`;
    tally.set(name, (tally.get(name) ?? 0) + 1);
  });
  // Warm-up outside the count (connections, script cache), then count a steady-state run.
  await scenario.run({ store, swarmId: `count-warm-${scenario.id}`, secret: newSecret(), counts: { warmup: 20, measured: 1 } });
  counting = true;
  await scenario.run({ store, swarmId: `count-${scenario.id}`, secret: newSecret(), counts: { warmup: 0, measured: iterations } });
  await new Promise((resolve) => setTimeout(resolve, 200)); // let MONITOR drain
  counting = false;
  feed.disconnect();
  monitor.disconnect();
  await store.close();
  console.log(`\n${scenario.id}: Redis commands per iteration (${iterations} iterations; setup and shutdown of the coordinators included, amortised)`);
  const rows = [...tally].sort((a, b) => Number(a[0].startsWith(' ')) - Number(b[0].startsWith(' ')) || b[1] - a[1]);
  const per = (n: number): string => (n / iterations).toFixed(2).padStart(7);
  for (const [name, n] of rows) console.log(`  ${per(n)}  ${name}`);
  const sum = (inScript: boolean): number => rows.filter(([name]) => name.startsWith(' ') === inScript).reduce((s, [, n]) => s + n, 0);
  console.log(`  ${per(sum(false))}  commands sent by clients (network round trips)`);
  console.log(`  ${per(sum(true))}  commands run inside Lua scripts`);
}

async function main(): Promise<void> {
  const server = await startRedis();
  try {
    // Map script SHAs to names: load each .lua file's SHA the way the adapter does.
    const { createHash } = await import('node:crypto');
    const { readdir, readFile } = await import('node:fs/promises');
    const dir = new URL('../../src/store/redis/lua/', import.meta.url);
    const shas = new Map<string, string>();
    for (const file of await readdir(dir)) shas.set(createHash('sha1').update(await readFile(new URL(file, dir), 'utf8')).digest('hex'), file.replace(/\.lua$/, ''));
    await count(roundTripScenario, server.url, shas);
    await count(fanInScenario, server.url, shas);
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
