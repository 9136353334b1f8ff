/**
 * Rows 3 and 4 alone (the bursts and the throughput, metrics off and on, beside BullMQ), the table
 * `npm run bench` prints for them:
 *
 *   npx tsx bench/tools/concurrent-rows.ts [--quick]
 */
import '../quiet.js';
import os from 'node:os';
import { createStore } from '../../src/index.js';
import { startRedis } from '../../test/support/redis-server.js';
import { PROFILES } from '../profile.js';
import { burstRows, throughputRow } from '../rows/concurrent.js';
import { newSecret } from '../scenario.js';
import { formatTable, formatTargets } from '../table.js';

async function main(): Promise<void> {
  const profile = process.argv.includes('--quick') ? PROFILES.quick : PROFILES.full;
  const server = await startRedis();
  const store = await createStore({ url: server.url });
  const load0 = os.loadavg()[0]!.toFixed(2);
  try {
    const env = { profile, store, url: server.url, port: server.port, secret: newSecret(), log: (m: string) => void process.stderr.write(`${m}\n`) };
    const rows = [...(await burstRows(env)), ...(await throughputRow(env))];
    console.log(`load average (1 min) at start ${load0}, at end ${os.loadavg()[0]!.toFixed(2)}`);
    console.log(formatTable(rows));
    for (const line of formatTargets(rows)) console.log(line);
  } finally {
    await store.close();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
