/**
 * Issue 12, point 6: no password reaches a log line or an error. Private Redis servers that want
 * a password are given wrong ones every way createStore takes one; everything logged and
 * everything thrown (message, context, the whole cause chain, its JSON, what pino's serializers
 * print) is searched for the password. Each case also checks that the path that used to leak was
 * taken (a WRONGPASS reply, an AUTH command in the logged error), so a test cannot pass by
 * never getting there.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { BlockingCoordinator } from '../../src/core/coordinator.js';
import { InvalidConfigError, RendezvousError, StoreUnavailableError } from '../../src/protocol/errors.js';
import { REDACTED } from '../../src/protocol/redact.js';
import { createStore, type CreateStoreOptions } from '../../src/store/create-store.js';
import { FAST, SECRET, uniqueSwarm } from '../support/coordinators.js';
import { recordingLogger, type LogRecord } from '../support/recording-logger.js';
import { freePort, startRedis, startRedisCluster, type RedisCluster, type RedisServer } from '../support/redis-server.js';
import { startSentinelGroup, type SentinelGroup } from '../support/sentinel-group.js';
import { until } from '../support/until.js';

const secret = (what: string) => `${what}-${randomBytes(8).toString('hex')}`;
const RIGHT = secret('right-pw');
const WRONG = secret('wrong-pw');
/** A failed connect is bounded: twice commandTimeout at most, plus scheduling slack. */
const FAST_FAIL: CreateStoreOptions['redisOptions'] = { commandTimeout: 1_000 };
const BOUND_MS = 5_000;

/** Every rendering of an error a user or a logger may produce: its fields, its causes, its JSON, pino's serializers. */
function renderError(error: unknown): string {
  const parts = [inspect(error, { showHidden: true, depth: 20 }), JSON.stringify(error)];
  for (let cause: unknown = error, depth = 0; cause instanceof Error && depth < 10; cause = cause.cause, depth++) {
    parts.push(cause.message, cause.stack ?? '', JSON.stringify(cause), JSON.stringify(pino.stdSerializers.err(cause)), JSON.stringify(pino.stdSerializers.errWithCause(cause)));
  }
  return parts.join('\n');
}

function renderLogs(records: LogRecord[]): string {
  return records.map((r) => [r.msg, inspect(r.fields, { showHidden: true, depth: 20 }), r.fields.err === undefined ? '' : renderError(r.fields.err)].join('\n')).join('\n');
}

function assertNowhere(password: string, error: unknown, records: LogRecord[]): void {
  const thrown = renderError(error);
  const logged = renderLogs(records);
  assert.ok(!thrown.includes(password), `the password is in the error:\n${thrown}`);
  assert.ok(!logged.includes(password), `the password is in the logs:\n${logged}`);
}

type CommandError = { command?: { name?: string; args?: unknown[] }; lastNodeError?: CommandError } | undefined;

/** The logged AUTH errors (a Cluster's in `lastNodeError`): proof that the AUTH command's arguments reached the logger. */
function loggedAuthArgs(records: LogRecord[]): unknown[][] {
  return records.flatMap((r) => {
    const err = r.fields.err as CommandError;
    const command = err?.command ?? err?.lastNodeError?.command;
    return command?.name === 'auth' && command.args ? [command.args] : [];
  });
}

/** Runs a createStore that must fail; returns its error (a StoreUnavailableError, within the bound) and what was logged. */
async function failedStore(options: CreateStoreOptions): Promise<{ error: StoreUnavailableError; records: LogRecord[] }> {
  const logger = recordingLogger();
  const startedAt = performance.now();
  const error = await createStore({ ...options, logger, env: {} }).then(
    async (store) => {
      await store.close();
      return new Error('connected with a wrong password');
    },
    (e: unknown) => e,
  );
  assert.ok(error instanceof StoreUnavailableError, `not a StoreUnavailableError: ${String(error)}`);
  assert.ok(performance.now() - startedAt < BOUND_MS, 'bounded');
  assert.equal(error.context.operation, 'connect');
  return { error, records: logger.records };
}

describe('a wrong password reaches no log line and no error', () => {
  let server: RedisServer;
  before(async () => {
    server = await startRedis();
    const admin = new Redis(server.port, server.host);
    await admin.config('SET', 'requirepass', RIGHT);
    admin.disconnect();
  });
  after(() => server?.stop());

  const ways: [how: string, options: () => CreateStoreOptions, authArgs: string[]][] = [
    ['in the URL', () => ({ url: `redis://:${WRONG}@127.0.0.1:${server.port}` }), [REDACTED]],
    ['in the URL, with a user', () => ({ url: `redis://default:${WRONG}@127.0.0.1:${server.port}/0` }), ['default', REDACTED]],
    ['as `password`', () => ({ url: server.url, password: WRONG }), [REDACTED]],
    ['in `redisOptions`, with a user', () => ({ url: server.url, redisOptions: { password: WRONG, username: 'default' } }), ['default', REDACTED]],
    ['from REDIS_URL and REDIS_PASSWORD', () => ({ env: { REDIS_URL: server.url, REDIS_PASSWORD: WRONG } }), [REDACTED]],
  ];
  for (const [how, options, authArgs] of ways) {
    test(how, async () => {
      const given = options();
      const logger = recordingLogger();
      const error = await createStore({ env: {}, ...given, logger }).catch((e: unknown) => e);
      assert.ok(error instanceof StoreUnavailableError, String(error));
      assert.match(error.message, /WRONGPASS/, 'the error names the reason, not "Connection is closed."');
      assert.deepEqual((error.cause as { command?: unknown }).command, { name: 'auth', args: authArgs }, 'the cause is the failed AUTH, redacted');
      assert.ok(loggedAuthArgs(logger.records).length > 0, 'the failed AUTH was logged');
      for (const args of loggedAuthArgs(logger.records)) assert.equal(args.at(-1), REDACTED);
      assertNowhere(WRONG, error, logger.records);
    });
  }

  test('a password changed under a running store: reconnections, push connection, heartbeats and calls say WRONGPASS without the old one', async () => {
    const old = secret('old-pw');
    const admin = new Redis({ port: server.port, host: server.host, password: RIGHT });
    await admin.config('SET', 'requirepass', old);
    const logger = recordingLogger();
    const store = await createStore({ url: server.url, password: old, logger, env: {}, breaker: false });
    const coordinator = new BlockingCoordinator({ id: 'coord-rotated', store, secret: SECRET, swarmId: uniqueSwarm('leak'), logger, env: {}, ...FAST });
    try {
      await coordinator.start(); // its push connection is open: it reconnects too
      await admin.config('SET', 'requirepass', RIGHT);
      await admin.client('KILL', 'TYPE', 'normal'); // SKIPME yes: the admin's own connection stays
      await admin.client('KILL', 'TYPE', 'pubsub');
      await until('the push connection logged its failed AUTH', async () => logger.records.some((r) => r.fields.role === 'push' && loggedAuthArgs([r]).length > 0));
      const error = await store.time().catch((e: unknown) => e);
      assert.ok(error instanceof RendezvousError, String(error));
      assert.match(error.message, /WRONGPASS/);
      await until('a heartbeat failed', async () => logger.records.some((r) => r.msg === 'heartbeat failed'));
      assertNowhere(old, error, logger.records);
    } finally {
      await admin.config('SET', 'requirepass', RIGHT);
      admin.disconnect();
      await coordinator.stop();
      await store.close();
    }
  });
});

describe('a wrong password through Sentinel reaches no log line and no error', () => {
  let group: SentinelGroup;
  before(async () => {
    group = await startSentinelGroup('leakmaster', 0);
    const admin = new Redis(group.master.port, group.master.host);
    await admin.config('SET', 'requirepass', RIGHT); // the sentinels still name it as the master
    admin.disconnect();
  });
  after(() => group?.stop());

  test("the master's password in a redis+sentinel:// URL", async () => {
    const { error, records } = await failedStore({ url: `redis+sentinel://:${WRONG}@127.0.0.1:${group.sentinels[0]}/leakmaster`, redisOptions: FAST_FAIL });
    assert.match(error.message, /WRONGPASS/);
    assert.ok(loggedAuthArgs(records).length > 0, 'the failed AUTH was logged');
    assertNowhere(WRONG, error, records);
  });

  test('a redis+sentinel:// URL whose sentinel refuses connections fails within the deadline', async () => {
    const { error, records } = await failedStore({ url: `redis+sentinel://user:${WRONG}@127.0.0.1:${await freePort()}/leakmaster`, redisOptions: FAST_FAIL });
    assert.match(error.message, /not connected within 2000 ms .*All sentinels are unreachable/);
    assertNowhere(WRONG, error, records);
  });

  test("a wrong `sentinelPassword` (the sentinel's own)", async () => {
    const port = group.sentinels[2]!;
    const sentinel = new Redis(port, '127.0.0.1');
    await sentinel.call('ACL', 'SETUSER', 'default', 'resetpass', `>${RIGHT}`); // this sentinel now wants a password
    sentinel.disconnect();
    const { error, records } = await failedStore({ sentinel: { nodes: [{ host: '127.0.0.1', port }], masterName: 'leakmaster', sentinelPassword: WRONG }, password: RIGHT, redisOptions: FAST_FAIL });
    assert.match(error.message, /WRONGPASS/);
    assertNowhere(WRONG, error, records);
  });
});

describe('a wrong password on a Redis Cluster reaches no log line and no error', () => {
  let cluster: RedisCluster;
  before(async () => {
    cluster = await startRedisCluster(3);
    for (const node of cluster.nodes) {
      const admin = new Redis(node.port, node.host);
      await admin.config('SET', 'requirepass', RIGHT);
      admin.disconnect();
    }
  });
  after(() => cluster?.stop());

  test('`password` for the seed nodes', async () => {
    const { error, records } = await failedStore({ cluster: cluster.nodes, password: WRONG, redisOptions: FAST_FAIL });
    assert.match(error.message, /WRONGPASS/, "the error names the node's reason");
    assert.deepEqual((error.cause as { command?: unknown }).command, { name: 'auth', args: [REDACTED] });
    assert.ok(loggedAuthArgs(records).length > 0, 'the failed AUTH was logged');
    assertNowhere(WRONG, error, records);
  });

  test('the password in a redis+cluster:// URL', async () => {
    const { error, records } = await failedStore({ url: `redis+cluster://user:${WRONG}@${cluster.nodes[0]!.host}:${cluster.nodes[0]!.port}`, redisOptions: FAST_FAIL });
    assert.match(error.message, /WRONGPASS/, "the error names the node's reason");
    assertNowhere(WRONG, error, records);
  });
});

test('a malformed URL with a password is refused without showing the password', async () => {
  const PW = secret('url-pw');
  const urls = [
    `redis://user:${PW}@a:1,b:2`, // several nodes
    `http://user:${PW}@host:6379`, // wrong scheme
    `redis://user:${PW}@host:99999`, // bad port
    `redis://user:${PW}/x@host:6379`, // an unencoded '/' in the password
    `redis://user:${PW}%ZZ@host:6379`, // a bad %-escape
    `redis://user:${PW}@host:6379/cache`, // a path that is not a database
    `rediss://host:6380/cache?password=${PW}`, // the password as a query parameter
    `redis+sentinel://user:${PW}@h1:26379`, // no master
    `redis+sentinel://user:${PW}@h1:notaport/mymaster`, // a bad sentinel
    `redis+sentinel://user:${PW}/x@h1:26379/mymaster`, // an unencoded '/' in the password
    `redis+cluster://user:${PW}@h1:7000/0`, // a database on a Cluster
    `redis+cluster://user:${PW}@h1:notaport`, // a bad node
    `redis+cluster://user:${PW}/x@h1:7000`, // an unencoded '/' in the password
  ];
  for (const url of urls) {
    const error = await createStore({ url, env: {} }).catch((e: unknown) => e);
    assert.ok(error instanceof InvalidConfigError, `${url}: ${String(error)}`);
    assert.ok(error.message.includes(REDACTED), `${url}: the URL is shown, redacted: ${error.message}`);
    assert.ok(!renderError(error).includes(PW), `${url}: ${error.message}`);
  }
});
