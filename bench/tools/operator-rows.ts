/**
 * Rows 10 and 11 alone (the operator's surface), on a private redis-server, with the table
 * `npm run bench` prints: `npx tsx bench/tools/operator-rows.ts [--quick]`.
 */
import '../quiet.js';
import { createStore } from '../../src/index.js';
import { startRedis } from '../../test/support/redis-server.js';
import { PROFILES } from '../profile.js';
import { operatorRows } from '../rows/operator.js';
import { newSecret } from '../scenario.js';
import { formatTable, formatTargets } from '../table.js';

const profile = process.argv.includes('--quick') ? PROFILES.quick : PROFILES.full;
const server = await startRedis();
const store = await createStore({ url: server.url });
try {
  const env = { profile, store, url: server.url, port: server.port, secret: newSecret(), log: (m: string) => void process.stderr.write(`${m}\n`) };
  const rows = await operatorRows(env);
  console.log(formatTable(rows));
  for (const line of formatTargets(rows)) console.log(line);
  console.log(JSON.stringify(rows[0]!.details, (key, value: unknown) => (Array.isArray(value) && typeof value[0] === 'number' ? value.map((v: number) => Math.round(v)) : value)));
} finally {
  await store.close();
  await server.stop();
}
