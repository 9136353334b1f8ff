import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StoreCommandError } from '../../src/protocol/errors.js';
import { keys } from '../../src/protocol/keys.js';
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
  const acks = await Promise.all(sent.map(({ messageId }, i) => owner!.waitForAcks([receivers[i]!], messageId, 2_000)));
  assert.deepEqual(acks.map((m) => m.size), [1, 1, 1, 1, 1]);
  await c.shutdownAll();
});

test('an entry that fails fails alone: the other sends of its batch are delivered', async () => {
  const swarm = uniqueSwarm();
  const c = new Coordinators(() => redis.store, swarm);
  const [owner, good] = await Promise.all([c.start('owner'), c.start('good')]);
  await redis.admin.set(keys.inbox(swarm, 'broken'), 'not a stream'); // XADD on it fails with WRONGTYPE
  const [bad, ok] = await Promise.allSettled([owner.sendSignal('broken', 'wake'), owner.sendSignal('good', 'wake')]);
  assert.equal(bad.status, 'rejected');
  assert.ok(bad.status === 'rejected' && bad.reason instanceof StoreCommandError, 'a typed refusal');
  assert.equal(ok.status, 'fulfilled');
  assert.equal((await good.blockUntilSignal({ timeoutMs: 2_000 })).messageId, ok.status === 'fulfilled' ? ok.value.messageId : '');
  await c.shutdownAll();
});
