/** `rendezvous serve`'s configuration, its refusals (exit codes) and a Redis that dies under it. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { api, runCli, startDaemon } from '../support/daemon-process.js';
import { freePort, startRedis } from '../support/redis-server.js';
import { until } from '../support/until.js';

const SECRET = 'daemon-cfg-secret-9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const TOKEN = 'cfg-write-token-0123456789';

describe('rendezvous serve: configuration and failures', () => {
  test('without a token only /health, /ready, /metrics and / are served; /api answers 401 saying none is configured', async () => {
    const redis = await startRedis();
    const daemon = await startDaemon([], { REDIS_URL: redis.url, BLOCKING_COORDINATION_SECRET: SECRET });
    try {
      assert.equal((await api(daemon.url, '/health')).status, 200);
      assert.equal((await api(daemon.url, '/metrics')).status, 200);
      assert.equal((await api(daemon.url, '/')).status, 200);
      await until('ready', async () => (await api(daemon.url, '/ready')).status === 200);
      const closed = await api(daemon.url, '/api/coordinators', { token: 'anything-at-all-0123456789' });
      assert.equal(closed.status, 401);
      assert.match((closed.body as { error: { message: string } }).error.message, /no API token configured/);
      assert.equal((await api(daemon.url, '/api/timeouts/force-check', { method: 'POST' })).status, 401);
      assert.match(daemon.stderr(), /no API token/);
    } finally {
      assert.equal((await daemon.stop()).code, 0);
      await redis.stop();
    }
  });

  test('--no-mutations: every mutating route is 403 even with the read-write token; reads work', async () => {
    const redis = await startRedis();
    const daemon = await startDaemon(['--no-mutations'], { REDIS_URL: redis.url, BLOCKING_COORDINATION_SECRET: SECRET, RENDEZVOUS_API_TOKEN: TOKEN });
    try {
      const refused = await api(daemon.url, '/api/signals/send', { token: TOKEN, body: { swarmId: 's', to: 'a', type: 'wake' } });
      assert.equal(refused.status, 403);
      assert.match((refused.body as { error: { message: string } }).error.message, /mutations are disabled/);
      assert.equal((await api(daemon.url, '/api/leaders', { token: TOKEN })).status, 200);
    } finally {
      await daemon.stop();
      await redis.stop();
    }
  });

  test('refusals exit 2 with a message: short token, equal tokens, no secret, a bad flag value, an unknown flag', async () => {
    const redis = await startRedis();
    try {
      const base = { REDIS_URL: redis.url, BLOCKING_COORDINATION_SECRET: SECRET };
      const cases: [string, string[], Record<string, string>, RegExp][] = [
        ['short token', [], { ...base, RENDEZVOUS_API_TOKEN: 'short' }, /apiToken/],
        ['equal tokens', [], { ...base, RENDEZVOUS_API_TOKEN: TOKEN, RENDEZVOUS_API_READ_TOKEN: TOKEN }, /must differ/],
        ['no secret', [], { REDIS_URL: redis.url }, /No signing secret/],
        ['bad port', ['--port', 'eighty'], base, /--port must be a whole number/],
        ['unknown flag', ['--bogus'], base, /unknown option/],
        ['bad mutations value', [], { ...base, RENDEZVOUS_API_MUTATIONS: 'maybe' }, /RENDEZVOUS_API_MUTATIONS/],
      ];
      for (const [what, args, env, message] of cases) {
        const run = runCli(['serve', '--port', '0', ...args], env);
        const { code } = await run.exited;
        assert.equal(code, 2, `${what}: ${run.stderr()}`);
        assert.match(run.stderr(), message, what);
        assert.equal(run.stdout(), '', `${what}: never listened`);
        assert.equal(run.stderr().includes(TOKEN) || run.stderr().includes(SECRET), false, `${what}: a token or secret is never echoed`);
      }
    } finally {
      await redis.stop();
    }
  });

  test('a Redis that is not there at start: exit 1', async () => {
    const run = runCli(['serve', '--port', '0'], { REDIS_URL: `redis://127.0.0.1:${await freePort()}`, BLOCKING_COORDINATION_SECRET: SECRET });
    assert.equal((await run.exited).code, 1, run.stderr());
    assert.match(run.stderr(), /could not start/);
  });

  test('a Redis that dies: /ready 503, /api typed 503 errors, the daemon keeps serving and still stops cleanly', async () => {
    const redis = await startRedis();
    const daemon = await startDaemon(['--lease-timeout-ms', '1500'], { REDIS_URL: redis.url, BLOCKING_COORDINATION_SECRET: SECRET, RENDEZVOUS_API_TOKEN: TOKEN });
    try {
      await until('ready', async () => (await api(daemon.url, '/ready')).status === 200);
      redis.kill('SIGKILL');
      await until('/ready says 503', async () => (await api(daemon.url, '/ready')).status === 503);
      const ready = (await api(daemon.url, '/ready')).body as { ready: boolean; store: { reachable: boolean; latencyMs: null } };
      assert.equal(ready.ready, false);
      assert.equal(ready.store.reachable, false);
      assert.equal(ready.store.latencyMs, null);
      for (const [path, method] of [['/api/coordinators', 'GET'], ['/api/leaders', 'GET'], ['/api/signals/send', 'POST']] as const) {
        const answer = await api(daemon.url, path, { method, token: TOKEN, ...(method === 'POST' ? { body: { swarmId: 's', to: 'a', type: 'wake' } } : {}) });
        assert.equal(answer.status, 503, `${path}: ${answer.text}`);
        const error = (answer.body as { error: { code: string; retryable: boolean } }).error;
        assert.match(error.code, /^RDV_ERR_(STORE_UNAVAILABLE|CIRCUIT_OPEN)$/);
        assert.equal(error.retryable, true);
      }
      assert.equal((await api(daemon.url, '/health')).status, 200, 'alive');
      assert.equal(daemon.child.exitCode, null);
    } finally {
      const exit = await daemon.stop();
      assert.equal(exit.code, 0, daemon.stderr().slice(-3_000));
      await redis.stop();
    }
  });
});
