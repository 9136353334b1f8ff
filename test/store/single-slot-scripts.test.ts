import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { keys } from '../../src/protocol/keys.js';
import { createStore } from '../../src/store/create-store.js';
import type { Store } from '../../src/store/port.js';
import { Coordinators, uniqueSwarm } from '../support/coordinators.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';

/** Commands that change data, and how to find the keys they name. */
const WRITES: Record<string, (args: string[]) => string[]> = {
  set: (a) => [a[0]!],
  del: (a) => a,
  unlink: (a) => a,
  zadd: (a) => [a[0]!],
  zrem: (a) => [a[0]!],
  sadd: (a) => [a[0]!],
  pexpire: (a) => [a[0]!],
  expire: (a) => [a[0]!],
  xadd: (a) => [a[0]!],
  xack: (a) => [a[0]!],
  xdel: (a) => [a[0]!],
  xgroup: (a) => [a[1]!],
  xreadgroup: (a) => a.slice(a.findIndex((x) => x.toLowerCase() === 'streams') + 1, undefined).slice(0, 1),
  mset: (a) => a.filter((_, i) => i % 2 === 0),
  rename: (a) => a,
};

/** Redis Cluster's hash tag: the part between the first `{` and the next `}`, if non-empty. */
function hashTag(key: string): string {
  const open = key.indexOf('{');
  const close = open >= 0 ? key.indexOf('}', open + 1) : -1;
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

let server: RedisServer;
let store: Store;
let admin: Redis;
let monitor: Redis;
const seen: { args: string[]; source: string }[] = [];
before(async () => {
  server = await startRedis();
  store = await createStore({ url: server.url });
  admin = new Redis(server.port, server.host);
  monitor = await admin.monitor();
  monitor.on('monitor', (_time: string, args: string[], source: string) => seen.push({ args, source }));
});
after(async () => {
  await store.close();
  monitor.disconnect();
  admin.disconnect();
  await server.stop();
});

/** Behaviour 10: every operation that changes more than one key is one Lua script on one hash slot. */
test('every multi-key change is one Lua script whose keys share one hash slot', async () => {
  const swarm = uniqueSwarm();
  const c = new Coordinators(() => store, swarm);
  const [a, b] = await Promise.all([c.start('slot-a'), c.start('slot-b')]);
  const { messageId } = await a.sendSignal('slot-b', 'completion', { iteration: 1, payload: { x: 1 }, idempotencyKey: 'k' });
  await a.sendSignal('slot-b', 'completion', { iteration: 1, payload: { x: 1 }, idempotencyKey: 'k' });
  const signal = await b.blockUntilSignal({ timeoutMs: 2_000 });
  await b.acknowledge(signal);
  await b.acknowledge(signal);
  await a.waitForAcks(['slot-b'], messageId, { timeoutMs: 2_000 });
  await admin.xadd(keys.inbox(swarm, 'slot-b'), '*', 'signal', 'not json'); // forces a discard
  await a.sendSignal('slot-b', 'wake');
  await b.blockUntilSignal({ timeoutMs: 2_000 });
  await c.shutdownAll();
  await admin.ping(); // MONITOR has seen everything before this reply

  const topLevel = seen.filter((s) => s.source !== 'lua');
  const scripts = topLevel.filter((s) => ['evalsha', 'eval'].includes(s.args[0]!.toLowerCase()));
  assert.ok(scripts.length >= 5, 'the flow ran its scripts');
  for (const { args } of scripts) {
    const keyCount = Number(args[2]);
    const scriptKeys = args.slice(3, 3 + keyCount);
    assert.equal(new Set(scriptKeys.map(hashTag)).size, 1, `one slot for ${scriptKeys.join(' ')}`);
  }
  for (const { args } of topLevel) {
    const name = args[0]!.toLowerCase();
    const keysOf = WRITES[name];
    if (keysOf) assert.equal(new Set(keysOf(args.slice(1))).size, 1, `${args.join(' ')} changes one key`);
  }
  // The commands a script ran stay inside that script's slot (MONITOR lists them as source "lua").
  const luaKeys = seen.filter((s) => s.source === 'lua').flatMap((s) => WRITES[s.args[0]!.toLowerCase()]?.(s.args.slice(1)) ?? []);
  assert.ok(luaKeys.length > 0 && luaKeys.every((k) => k.includes(`{${swarm}}`)), 'scripts only touch the swarm slot');
});
