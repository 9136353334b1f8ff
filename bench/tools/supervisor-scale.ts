/** Probe: the supervisor check and the read model over N coordinators (default 10,000) on a private Redis. `npx tsx bench/tools/supervisor-scale.ts [N]` */
import { startRedis } from '../../test/support/redis-server.js';
import { runSupervisorCheck } from '../scenarios/supervisor-check.js';
const server = await startRedis();
try {
  const r = await runSupervisorCheck(server.url, 'x'.repeat(40), { coordinators: Number(process.argv[2] ?? 10000), checks: 5, silent: process.argv[3] === 'silent' });
  console.log(JSON.stringify({ check: r.checkMs.map((x) => Math.round(x)), read: r.readMs.map((x) => Math.round(x)), n: r.coordinators }));
} finally { await server.stop(); }
