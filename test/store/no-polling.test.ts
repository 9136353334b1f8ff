import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { Coordinators, uniqueSwarm } from '../support/coordinators.js';
import { usePrivateRedis } from '../support/private-redis.js';

/** `cmdstat_<name>:calls=N,...` lines of INFO commandstats. */
function commandCalls(info: string): Map<string, number> {
  const calls = new Map<string, number>();
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(match[1]!, Number(match[2]));
  return calls;
}

const redis = usePrivateRedis();

/**
 * Behaviour 6: while coordinators wait idle, Redis receives only their heartbeats. Waiting costs no
 * command: what they wait for is pushed to them, all over one pub/sub connection of the process.
 */
test('idle waiters cost their heartbeats and nothing else; one push connection serves them all', async () => {
  const c = new Coordinators(() => redis.store, uniqueSwarm());
  const ids = ['idle-1', 'idle-2', 'idle-3'];
  const waiters = await Promise.all(ids.map((id) => c.start(id)));
  const owner = await c.start('idle-owner');
  const { messageId } = await owner.sendSignal('idle-1', 'validate');
  await waiters[0]!.acknowledge(await waiters[0]!.blockUntilSignal({ timeoutMs: 1_000 }));

  const started = [...waiters, owner].map((w) => once(w, 'wait:started'));
  const pending = [
    ...waiters.map((w) => w.blockUntilSignal({ timeoutMs: 20_000 }).catch(() => undefined)),
    owner.waitForAcks(['idle-2', 'idle-3'], messageId, { timeoutMs: 20_000 }).catch(() => undefined),
  ];
  await Promise.all(started);
  await once(owner, 'heartbeat');
  const subscribers = ((await redis.admin.client('LIST')) as string).split('\n').flatMap((line) => /\bsub=(\d+)/.exec(line)?.[1] ?? []).map(Number).filter((n) => n > 0);
  assert.deepEqual(subscribers, [4], 'one connection holds the 4 coordinators\' push channels');
  await redis.admin.config('RESETSTAT');

  let beats = 0;
  for (const w of [...waiters, owner]) w.on('heartbeat', () => (beats += 1));
  while (beats < 4 * 8) await once(owner, 'heartbeat'); // 8 heartbeat rounds of the 4 coordinators
  const calls = commandCalls(await redis.admin.info('commandstats'));
  await c.shutdownAll();
  await Promise.all(pending);

  calls.delete('config|resetstat');
  calls.delete('info');
  const heartbeatCommands = ['set', 'zadd', 'pexpire', 'sadd'];
  const other = [...calls.keys()].filter((name) => !heartbeatCommands.includes(name));
  assert.deepEqual(other, [], `only heartbeats, saw ${JSON.stringify(Object.fromEntries(calls))}`);
  assert.ok((calls.get('set') ?? 0) >= beats - 4, 'each heartbeat is one SET');
  assert.ok((calls.get('zadd') ?? 0) >= 1 && calls.get('zadd')! <= calls.get('set')!, 'beats written together share one registry ZADD');
  assert.equal(calls.get('pexpire'), calls.get('zadd'), 'and one registry refresh');
  assert.equal(calls.get('sadd'), calls.get('zadd'), 'and one listing of the swarm');
});
