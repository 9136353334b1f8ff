/** Seeds N alive coordinators in one swarm on a Redis (for measuring the daemon by hand): `npx tsx bench/tools/seed-fleet.ts redis://... 10000 swarm-1` */
import { Redis } from 'ioredis';
import { keys } from '../../src/index.js';
import { seedCoordinatorState } from '../../test/support/coordinator-state.js';

const [url = 'redis://127.0.0.1:6379', n = '10000', swarm = 'fleet'] = process.argv.slice(2);
const raw = new Redis(url);
const [seconds] = await raw.time();
const at = Number(seconds) * 1_000 + 600_000; // fresh for ten minutes
for (let from = 0; from < Number(n); from += 1_000) {
  const pipeline = raw.pipeline();
  for (let i = from; i < Math.min(Number(n), from + 1_000); i += 1) seedCoordinatorState(pipeline, swarm, `c-${i}`, at, 'working');
  pipeline.sadd(keys.swarms(), swarm);
  await pipeline.exec();
}
raw.disconnect();
