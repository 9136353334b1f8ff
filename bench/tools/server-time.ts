/**
 * Diagnostic: Redis-side execution time of each command a round trip sends (SLOWLOG with a 0 µs
 * threshold on a private server), to split a store call into server work and everything else
 * (network, syscalls, ioredis, event loop).
 *
 *   npx tsx bench/tools/server-time.ts [iterations]
 */
import '../quiet.js';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { Redis } from 'ioredis';
import { createStore } from '../../src/index.js';
import { startRedis } from '../../test/support/redis-server.js';
import { newSecret } from '../scenario.js';
import { roundTripScenario } from '../scenarios/round-trip.js';
import { percentile } from '../stats.js';

const iterations = Number(process.argv[2] ?? 2_000);

type SlowlogEntry = [id: number, time: number, durationUs: number, args: string[], ...rest: unknown[]];

async function main(): Promise<void> {
  const server = await startRedis();
  const admin = new Redis(server.url);
  try {
    const dir = new URL('../../src/store/redis/lua/', import.meta.url);
    const shas = new Map<string, string>();
    for (const file of await readdir(dir)) shas.set(createHash('sha1').update(await readFile(new URL(file, dir), 'utf8')).digest('hex'), file.replace(/\.lua$/, ''));

    const store = await createStore({ url: server.url });
    try {
      await roundTripScenario.run({ store, swarmId: 'warm', secret: newSecret(), counts: { warmup: 200, measured: 1 } });
      await admin.config('SET', 'slowlog-max-len', String(iterations * 10));
      await admin.config('SET', 'slowlog-log-slower-than', '0');
      await admin.slowlog('RESET');
      await roundTripScenario.run({ store, swarmId: 'timed', secret: newSecret(), counts: { warmup: 0, measured: iterations } });
      await admin.config('SET', 'slowlog-log-slower-than', '10000');
    } finally {
      await store.close();
    }
    const entries = (await admin.slowlog('GET', -1)) as SlowlogEntry[];
    const byCommand = new Map<string, number[]>();
    for (const [, , durationUs, args] of entries) {
      const name = (args[0] ?? '?').toUpperCase();
      const key = name === 'EVALSHA' ? `EVALSHA ${shas.get(args[1] ?? '') ?? '?'}` : name === 'XREADGROUP' || name === 'XREAD' ? `${name}${args.includes('BLOCK') ? ' BLOCK' : ''}` : name;
      (byCommand.get(key) ?? byCommand.set(key, []).get(key)!).push(durationUs);
    }
    console.log(`Redis-side execution time per command, µs (SLOWLOG, ${iterations} round trips; a blocked read counts only its own execution, not its wait)`);
    for (const [name, values] of [...byCommand].sort((x, y) => y[1].length - x[1].length)) {
      const sorted = values.sort((a, b) => a - b);
      console.log(`  ${name.padEnd(28)} n ${String(sorted.length).padStart(6)}  p50 ${String(percentile(sorted, 50)).padStart(4)}  p90 ${String(percentile(sorted, 90)).padStart(4)}  p99 ${String(percentile(sorted, 99)).padStart(4)}`);
    }
  } finally {
    admin.disconnect();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
