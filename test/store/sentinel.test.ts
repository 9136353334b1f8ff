import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { InvalidConfigError } from '../../src/protocol/errors.js';
import { keys } from '../../src/protocol/keys.js';
import { createStore } from '../../src/store/create-store.js';
import type { Store } from '../../src/store/port.js';
import { parseSentinelUrl } from '../../src/store/redis/sentinel.js';
import { Coordinators, uniqueSwarm } from '../support/coordinators.js';
import { recordingLogger } from '../support/recording-logger.js';
import { startSentinelGroup, type SentinelGroup } from '../support/sentinel-group.js';
import { until } from '../support/until.js';

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
      const sentinel = new Redis(group.sentinels[0]!, '127.0.0.1');
      await sentinel.call('SENTINEL', 'FAILOVER', group.masterName);
      sentinel.disconnect();
      const demoted = new Redis(group.master.port, '127.0.0.1');
      try {
        await until('the replica is promoted and the old master demoted', async () => /role:master/.test(await promoted.info('replication')) && /role:slave/.test(await demoted.info('replication')));
      } finally {
        demoted.disconnect();
      }
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
