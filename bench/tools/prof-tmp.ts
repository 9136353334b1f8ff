import { Redis } from 'ioredis';
import { createStore, keys } from '../../src/index.js';
import { startRedis } from '../../test/support/redis-server.js';
import { seedCoordinatorState } from '../../test/support/coordinator-state.js';
import { parseHeartbeat } from '../../src/protocol/heartbeat.js';
const server = await startRedis();
const raw = new Redis(server.url);
const store = await createStore({ url: server.url });
const swarm = 's';
const [seconds] = await raw.time();
const at = Number(seconds) * 1000 + 60000;
for (let from = 0; from < 10000; from += 1000) { const p = raw.pipeline(); for (let i = from; i < from + 1000; i++) seedCoordinatorState(p, swarm, `c-${i}`, at, 'working'); await p.exec(); }
const t = async (name: string, f: () => Promise<unknown>) => { const s = performance.now(); const r = await f(); console.log(name, Math.round(performance.now() - s)); return r; };
for (let k = 0; k < 3; k++) {
  const reg = (await t('listRegistry', () => store.listRegistry(swarm))) as { coordinatorId: string }[];
  const ids = reg.map((e) => e.coordinatorId);
  const bodies = (await t('readStrings 20k', () => store.readStrings([...ids.map((id) => keys.heartbeat(id)), ...ids.map((id) => keys.activity(swarm, id))]))) as (string | null)[];
  await t('parse 10k', async () => { for (let i = 0; i < ids.length; i++) parseHeartbeat(bodies[i]!); });
  await t('readStrings 10k', () => store.readStrings(ids.map((id) => keys.warning(swarm, id))));
  await t('inboxLengths 10k', () => store.inboxLengths(ids.map((coordinatorId) => ({ swarmId: swarm, coordinatorId }))));
  await t('raw pipeline 10k get', async () => { const p = raw.pipeline(); for (const id of ids) p.get(keys.heartbeat(id)); await p.exec(); });
  await t('raw mget 10k', async () => raw.mget(ids.map((id) => keys.heartbeat(id))));
}
await store.close(); raw.disconnect(); await server.stop();
