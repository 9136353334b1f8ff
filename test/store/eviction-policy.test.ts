import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { createStore } from '../../src/store/create-store.js';
import { InvalidConfigError, StoreMisconfiguredError } from '../../src/protocol/errors.js';
import { recordingLogger } from '../support/recording-logger.js';
import { startRedis, startRedisCluster, type RedisCluster, type RedisServer } from '../support/redis-server.js';

/** A Redis that evicts under memory pressure loses state without a word: refused at start unless the user says warn. */
describe('createStore checks maxmemory-policy', () => {
  let evicting: RedisServer;
  let safe: RedisServer;
  before(async () => {
    [evicting, safe] = await Promise.all([startRedis({ extraArgs: ['--maxmemory-policy', 'allkeys-lru'] }), startRedis()]);
  });
  after(async () => {
    await Promise.all([evicting?.stop(), safe?.stop()]);
  });

  test('an evicting Redis is refused with StoreMisconfiguredError that names the node, the policy and the fix', async () => {
    const logger = recordingLogger();
    await assert.rejects(createStore({ url: evicting.url, logger }), (error: unknown) => {
      assert.ok(error instanceof StoreMisconfiguredError);
      assert.equal(error.code, 'RDV_ERR_STORE_MISCONFIGURED');
      assert.deepEqual(error.context, { node: `127.0.0.1:${evicting.port}`, setting: 'maxmemory-policy', value: 'allkeys-lru' });
      assert.match(error.message, /noeviction/);
      assert.match(error.message, /evictingRedis: 'warn'/);
      return true;
    });
  });

  test("every non-noeviction policy is refused, volatile-* included (every Rendezvous key has a TTL)", async () => {
    const raw = new Redis(evicting.port, evicting.host);
    try {
      for (const policy of ['volatile-lru', 'volatile-ttl', 'allkeys-random']) {
        await raw.config('SET', 'maxmemory-policy', policy);
        await assert.rejects(createStore({ url: evicting.url, logger: recordingLogger() }), (error: unknown) => error instanceof StoreMisconfiguredError && error.context.value === policy);
      }
    } finally {
      await raw.config('SET', 'maxmemory-policy', 'allkeys-lru');
      raw.disconnect();
    }
  });

  test("evictingRedis: 'warn' runs anyway and says so once, as an error", async () => {
    const logger = recordingLogger();
    const store = await createStore({ url: evicting.url, logger, evictingRedis: 'warn' });
    try {
      assert.ok((await store.time()) > 0);
      const errors = logger.records.filter((r) => r.level === 'error');
      assert.equal(errors.length, 1);
      assert.equal(errors[0]!.fields.policy, 'allkeys-lru');
      assert.match(errors[0]!.msg ?? '', /running anyway/);
    } finally {
      await store.close();
    }
  });

  test('a noeviction Redis passes without a word', async () => {
    const logger = recordingLogger();
    const store = await createStore({ url: safe.url, logger });
    await store.close();
    assert.deepEqual(logger.records.filter((r) => r.level !== 'debug'), []);
  });

  test('a client handed in is checked too, and stays open (it is its owner’s) when refused', async () => {
    const client = new Redis(evicting.port, evicting.host);
    try {
      await assert.rejects(createStore({ client, logger: recordingLogger() }), StoreMisconfiguredError);
      assert.equal(await client.ping(), 'PONG');
    } finally {
      client.disconnect();
    }
  });

  test('CONFIG refused: the policy is read from INFO memory', async () => {
    const raw = new Redis(evicting.port, evicting.host);
    await raw.acl('SETUSER', 'noconfig', 'on', '>noconfig-pass', '~*', '&*', '+@all', '-config');
    raw.disconnect();
    await assert.rejects(createStore({ url: `redis://noconfig:noconfig-pass@127.0.0.1:${evicting.port}`, logger: recordingLogger() }), StoreMisconfiguredError);
  });

  test('CONFIG and INFO both refused: it says why it could not read the policy, and does not refuse', async () => {
    const raw = new Redis(evicting.port, evicting.host);
    await raw.acl('SETUSER', 'blind', 'on', '>blind-pass', '~*', '&*', '+@all', '-config', '-info');
    raw.disconnect();
    const logger = recordingLogger();
    const store = await createStore({ url: `redis://blind:blind-pass@127.0.0.1:${evicting.port}`, logger });
    await store.close();
    const warning = logger.records.find((r) => r.level === 'warn' && /could not read maxmemory-policy/.test(r.msg ?? ''));
    assert.ok(warning, 'a warning names the check it could not make');
    assert.match(String(warning.fields.reason), /CONFIG GET: NOPERM.*INFO: NOPERM/);
  });

  test('a mode other than refuse or warn is an InvalidConfigError before any I/O', async () => {
    await assert.rejects(createStore({ url: safe.url, evictingRedis: 'ignore' as 'warn' }), InvalidConfigError);
  });
});

describe('createStore checks maxmemory-policy on every Cluster master', () => {
  let cluster: RedisCluster;
  before(async () => {
    cluster = await startRedisCluster(3);
  });
  after(async () => {
    await cluster?.stop();
  });

  test('one evicting master is enough to refuse, and it is the one named', async () => {
    const node = cluster.servers[1]!;
    const raw = new Redis(node.port, node.host);
    await raw.config('SET', 'maxmemory-policy', 'allkeys-lfu');
    raw.disconnect();
    await assert.rejects(createStore({ cluster: cluster.nodes, logger: recordingLogger() }), (error: unknown) => {
      assert.ok(error instanceof StoreMisconfiguredError);
      assert.equal(error.context.node, `${node.host}:${node.port}`);
      assert.equal(error.context.value, 'allkeys-lfu');
      return true;
    });
  });
});
