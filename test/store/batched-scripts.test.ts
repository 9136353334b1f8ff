import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StoreCommandError } from '../../src/protocol/errors.js';
import { keys } from '../../src/protocol/keys.js';
import { createStore } from '../../src/store/create-store.js';
import { recordingLogger } from '../support/recording-logger.js';
import { Coordinators, uniqueSwarm } from '../support/coordinators.js';
import { usePrivateRedis } from '../support/private-redis.js';

const redis = usePrivateRedis();

async function scriptCalls(): Promise<number> {
  const info = await redis.admin.info('commandstats');
  return ['evalsha', 'eval'].reduce((n, name) => n + Number(new RegExp(`^cmdstat_${name}:calls=(\\d+)`, 'm').exec(info)?.[1] ?? 0), 0);
}

test('sends and ACKs made together travel as one script call each, and all arrive', async () => {
  const c = new Coordinators(() => redis.store, uniqueSwarm());
  const receivers = ['r-1', 'r-2', 'r-3', 'r-4', 'r-5'];
  const [owner, ...others] = await Promise.all(['owner', ...receivers].map((id) => c.start(id)));
  // Warm Redis's script cache: a first call is NOSCRIPT then EVAL.
  await others[0]!.acknowledge(await owner!.sendSignal('r-1', 'wake').then(() => others[0]!.blockUntilSignal({ timeoutMs: 2_000 })));
  const before = await scriptCalls();
  const sent = await Promise.all(receivers.map((id) => owner!.sendSignal(id, 'validate', { payload: id })));
  assert.equal((await scriptCalls()) - before, 1, 'five sends, one script call');
  const signals = await Promise.all(others.map((r) => r.blockUntilSignal({ timeoutMs: 2_000 })));
  assert.deepEqual(signals.map((s) => s.messageId), sent.map((s) => s.messageId));
  const beforeAcks = await scriptCalls();
  await Promise.all(others.map((r, i) => r.acknowledge(signals[i]!)));
  assert.equal((await scriptCalls()) - beforeAcks, 1, 'five ACKs, one script call');
  const acks = await Promise.all(sent.map(({ messageId }, i) => owner!.waitForAcks([receivers[i]!], messageId, { timeoutMs: 2_000 })));
  assert.deepEqual(acks.map((m) => m.size), [1, 1, 1, 1, 1]);
  await c.shutdownAll();
});

test('an entry that fails fails alone: the other sends of its batch are delivered', async () => {
  const swarm = uniqueSwarm();
  const c = new Coordinators(() => redis.store, swarm);
  const [owner, good] = await Promise.all([c.start('owner'), c.start('good')]);
  // A stream whose last id is the highest there is: XADD * on it fails (a key of the wrong type would be replaced).
  await redis.admin.xadd(keys.inbox(swarm, 'broken'), '18446744073709551615-18446744073709551615', 'signal', 'x');
  const [bad, ok] = await Promise.allSettled([owner.sendSignal('broken', 'wake'), owner.sendSignal('good', 'wake')]);
  assert.equal(bad.status, 'rejected');
  assert.ok(bad.status === 'rejected' && bad.reason instanceof StoreCommandError, 'a typed refusal');
  assert.equal(ok.status, 'fulfilled');
  assert.equal((await good.blockUntilSignal({ timeoutMs: 2_000 })).messageId, ok.status === 'fulfilled' ? ok.value.messageId : '');
  await c.shutdownAll();
});

test('heartbeats written together: a SET each, one ZADD, one PEXPIRE and one SADD per swarm; a registry that fails fails only its swarm', async () => {
  const [swarmA, swarmB, swarmBad] = [uniqueSwarm(), uniqueSwarm(), uniqueSwarm()];
  await redis.admin.set(keys.registry(swarmBad), 'not a sorted set'); // ZADD on it fails with WRONGTYPE
  const beat = (swarmId: string, coordinatorId: string, timestamp: number, registryTtlMs = 120_000) =>
    redis.store.beat({ swarmId, coordinatorId, body: JSON.stringify({ coordinatorId, timestamp }), timestamp, ttlMs: 60_000, registryTtlMs });
  await redis.admin.config('RESETSTAT');
  const results = await Promise.allSettled([
    beat(swarmA, 'a-1', 1_001),
    beat(swarmA, 'a-2', 1_002),
    beat(swarmB, 'b-1', 2_001),
    beat(swarmA, 'a-3', 1_003),
    beat(swarmBad, 'x-1', 3_001),
    beat(swarmA, 'a-1', 1_004, 90_000), // a-1 again in the same write: its last beat counts, as does the last lifetime
  ]);
  const info = await redis.admin.info('commandstats');
  const calls = (name: string) => Number(new RegExp(`^cmdstat_${name}:calls=(\\d+)`, 'm').exec(info)?.[1] ?? 0);
  assert.deepEqual([calls('set'), calls('zadd'), calls('pexpire'), calls('sadd')], [6, 3, 3, 3]);
  assert.deepEqual((await redis.admin.smembers(keys.swarms())).filter((s) => [swarmA, swarmB, swarmBad].includes(s)).sort(), [swarmA, swarmB, swarmBad].sort(), 'each beat lists its swarm');
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
  assert.deepEqual(await redis.admin.zrange(keys.registry(swarmA), 0, -1, 'WITHSCORES'), ['a-2', '1002', 'a-3', '1003', 'a-1', '1004']);
  assert.deepEqual(await redis.admin.zrange(keys.registry(swarmB), 0, -1, 'WITHSCORES'), ['b-1', '2001']);
  const lifetime = await redis.admin.pttl(keys.registry(swarmA));
  assert.ok(lifetime > 60_000 && lifetime <= 90_000, `the registry lifetime is the last beat's, got ${lifetime} ms`);
  assert.equal(JSON.parse((await redis.admin.get(keys.heartbeat('a-1')))!).timestamp, 1_004);
});

test('a heartbeat whose swarm could not be listed (the swarm set unwritable) is still written, and the failure is logged', async () => {
  const logger = recordingLogger();
  const store = await createStore({ url: redis.server.url, logger });
  try {
    await redis.admin.set(keys.swarms(), 'not a set'); // SADD on it fails with WRONGTYPE
    const swarmId = uniqueSwarm();
    await store.beat({ swarmId, coordinatorId: 'listed-1', body: '{}', timestamp: 1_000, ttlMs: 60_000, registryTtlMs: 120_000 });
    assert.deepEqual(await redis.admin.zrange(keys.registry(swarmId), 0, -1), ['listed-1']);
    assert.ok(logger.records.some((r) => r.level === 'warn' && /could not list swarms/.test(r.msg ?? '') && (r.fields.swarms as string[]).includes(swarmId)));
  } finally {
    await redis.admin.del(keys.swarms());
    await store.close();
  }
});
