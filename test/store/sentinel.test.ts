import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { InvalidConfigError, RendezvousError } from '../../src/protocol/errors.js';
import { keys } from '../../src/protocol/keys.js';
import { createStore } from '../../src/store/create-store.js';
import type { Store } from '../../src/store/port.js';
import { parseSentinelUrl } from '../../src/store/redis/sentinel.js';
import { Coordinators, uniqueSwarm } from '../support/coordinators.js';
import { recordingLogger } from '../support/recording-logger.js';
import { startSentinelGroup, type SentinelGroup } from '../support/sentinel-group.js';
import { startTcpGate, type TcpGate } from '../support/tcp-gate.js';
import { until } from '../support/until.js';

/** SENTINEL FAILOVER of the group's first master, until its first replica is master and the old master a replica. */
async function failOver(group: SentinelGroup): Promise<void> {
  const sentinel = new Redis(group.sentinels[0]!, '127.0.0.1');
  const [promoted, demoted] = [new Redis(group.replica.port, '127.0.0.1'), new Redis(group.master.port, '127.0.0.1')];
  try {
    await sentinel.call('SENTINEL', 'FAILOVER', group.masterName);
    await until('the replica is promoted and the old master demoted', async () => /role:master/.test(await promoted.info('replication')) && /role:slave/.test(await demoted.info('replication')));
  } finally {
    for (const client of [sentinel, promoted, demoted]) client.disconnect();
  }
}

describe('the Sentinel URL form', () => {
  test('sentinels, master name, credentials and database', () => {
    assert.deepEqual(parseSentinelUrl('redis+sentinel://app:s%40cret@10.0.0.1:26379,10.0.0.2:26380/main/2', 'url'), {
      sentinel: { nodes: [{ host: '10.0.0.1', port: 26379 }, { host: '10.0.0.2', port: 26380 }], masterName: 'main' },
      username: 'app',
      password: 's@cret',
      db: 2,
    });
  });

  for (const bad of ['redis+sentinel://h:1', 'redis+sentinel://h/main', 'redis+sentinel://h:0/main', 'redis+sentinel://h:1/main/x', 'redis+sentinel://h:1,/main']) {
    test(`refused: ${bad}`, () => {
      assert.throws(() => parseSentinelUrl(bad, '`url`'), (error: unknown) => error instanceof InvalidConfigError && /redis\+sentinel:\/\//.test(error.message));
    });
  }
});

describe('a store on a Sentinel group', () => {
  let group: SentinelGroup;
  const stores: Store[] = [];
  before(async () => {
    group = await startSentinelGroup();
  });
  after(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await group?.stop();
  });

  test('createStore finds the master through the sentinels (options and URL forms), and signals travel', async () => {
    const byOptions = await createStore({ sentinel: { nodes: group.sentinels.map((port) => ({ host: '127.0.0.1', port })), masterName: group.masterName }, logger: recordingLogger() });
    const byUrl = await createStore({ url: `redis+sentinel://${group.sentinels.map((p) => `127.0.0.1:${p}`).join(',')}/${group.masterName}`, logger: recordingLogger() });
    stores.push(byOptions, byUrl);
    const swarm = uniqueSwarm();
    const a = new Coordinators(() => byOptions, swarm);
    const b = new Coordinators(() => byUrl, swarm);
    try {
      const [sender, receiver] = [await a.start('sentinel-a'), await b.start('sentinel-b')];
      const { messageId } = await sender.sendSignal('sentinel-b', 'wake');
      await receiver.acknowledge(await receiver.blockUntilSignal({ timeoutMs: 5_000 }));
      assert.equal((await sender.waitForAcks(['sentinel-b'], messageId, { timeoutMs: 5_000 })).size, 1);
    } finally {
      await Promise.all([a.shutdownAll(), b.shutdownAll()]);
    }
  });

  test('after SENTINEL FAILOVER the store writes to the new master, and signals travel again', { timeout: 60_000 }, async () => {
    const store = await createStore({ sentinel: { nodes: group.sentinels.map((port) => ({ host: '127.0.0.1', port })), masterName: group.masterName }, logger: recordingLogger() });
    stores.push(store);
    const swarm = uniqueSwarm();
    const c = new Coordinators(() => store, swarm);
    const promoted = new Redis(group.replica.port, '127.0.0.1');
    try {
      const [sender, receiver] = [await c.start('failover-a'), await c.start('failover-b')];
      await failOver(group);
      // Sends during the switch may fail (a typed, retryable error); once it is done, one lands on the new master.
      let messageId = '';
      await until('a send succeeds after the failover', async () => {
        ({ messageId } = await sender.sendSignal('failover-b', 'wake', { idempotencyKey: 'after-failover' }));
        return true;
      }, 30_000);
      const signal = await receiver.blockUntilSignal({ timeoutMs: 15_000 });
      assert.equal(signal.messageId, messageId);
      assert.equal(await promoted.exists(keys.idempotency(swarm, 'failover-b', 'after-failover')), 1, 'written on the new master');
    } finally {
      promoted.disconnect();
      await c.shutdownAll();
    }
  });
});

describe('a failover the store did not hear', () => {
  let group: SentinelGroup;
  let sentinelGates: TcpGate[] = [];
  let masterProxy: TcpGate;
  const stores: Store[] = [];
  before(async () => {
    group = await startSentinelGroup('rdvunheard');
    sentinelGates = await Promise.all(group.sentinels.map((port) => startTcpGate(port)));
    masterProxy = await startTcpGate(group.master.port, { holdClientSide: true });
  });
  after(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await Promise.all([...sentinelGates, masterProxy].map((gate) => gate?.stop()));
    await group?.stop();
  });

  test('partitioned from the sentinels, behind a proxy that hides the demotion: READONLY replies make it reconnect, and it writes to the new master', { timeout: 60_000 }, async () => {
    // The store reaches the sentinels through gates (natMap covers the addresses they tell of each
    // other) and the master through a proxy that keeps the store's side open when the sentinels
    // close the demoted master's clients. Shut the gates, fail over: no +switch-master reaches the
    // store and its connection stays up, so only the replies tell it (READONLY, for ever, unless it reconnects).
    const natMap = Object.fromEntries([
      ...group.sentinels.map((port, i) => [`127.0.0.1:${port}`, { host: '127.0.0.1', port: sentinelGates[i]!.port }] as const),
      [`127.0.0.1:${group.master.port}`, { host: '127.0.0.1', port: masterProxy.port }],
    ]);
    const logger = recordingLogger();
    const store = await createStore({ sentinel: { nodes: sentinelGates.map((gate) => ({ host: '127.0.0.1', port: gate.port })), masterName: group.masterName }, redisOptions: { natMap }, breaker: { halfOpenAfterMs: 50, maxHalfOpenAfterMs: 200 }, logger });
    stores.push(store);
    const swarm = uniqueSwarm();
    const c = new Coordinators(() => store, swarm);
    const promoted = new Redis(group.replica.port, '127.0.0.1');
    try {
      // No heartbeat in flight when the sentinels close the connection behind the proxy (its request would go unanswered).
      const sender = await c.start('unheard-a', { heartbeatIntervalMs: 60_000, heartbeatTtlMs: 180_000 });
      await sender.sendSignal('unheard-b', 'wake', { idempotencyKey: 'before' });
      for (const gate of sentinelGates) gate.close();
      await failOver(group);
      const refused = await sender.sendSignal('unheard-b', 'wake', { idempotencyKey: 'after' }).then(() => undefined, (e: unknown) => e);
      assert.ok(refused instanceof RendezvousError && refused.code === 'RDV_ERR_STORE_UNAVAILABLE', `a typed, retryable error, got ${String(refused)}`);
      assert.match(String((refused as RendezvousError).cause), /READONLY/);
      assert.ok(logger.records.some((r) => r.level === 'warn' && /answered READONLY/.test(r.msg ?? '')), 'said in the log');
      for (const gate of sentinelGates) gate.open();
      let messageId = '';
      await until('a send succeeds on the new master', async () => {
        ({ messageId } = await sender.sendSignal('unheard-b', 'wake', { idempotencyKey: 'after' }));
        return true;
      }, 30_000);
      assert.equal(await promoted.exists(keys.idempotency(swarm, 'unheard-b', 'after')), 1, 'written on the new master');
      const receiver = await c.start('unheard-b');
      const first = await receiver.blockUntilSignal({ timeoutMs: 15_000 });
      const second = await receiver.blockUntilSignal({ timeoutMs: 15_000 });
      assert.deepEqual([first.idempotencyKey, second.messageId], ['before', messageId], 'the send before the failover, replicated, then the one after');
    } finally {
      promoted.disconnect();
      await c.shutdownAll();
    }
  });
});
