/** The daemon's configuration (flags over environment over defaults) and its token check, in process. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidConfigError } from '../../src/protocol/errors.js';
import { resolveDaemonConfig } from '../../src/server/config.js';
import { bearerOf, Tokens } from '../../src/server/tokens.js';

describe('daemon configuration', () => {
  test('defaults: loopback, 8080, mutations on, cleanup every 5 minutes, no token', () => {
    const config = resolveDaemonConfig({}, {});
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, 8080);
    assert.equal(config.mutations, true);
    assert.equal(config.cleanupIntervalMs, 300_000);
    assert.equal(config.apiToken, undefined);
    assert.equal(config.readToken, undefined);
  });

  test('flags win over the environment, which wins over the defaults', () => {
    const env = { RENDEZVOUS_HOST: '0.0.0.0', RENDEZVOUS_PORT: '9000', RENDEZVOUS_CLEANUP_INTERVAL_MS: '60000', RENDEZVOUS_API_MUTATIONS: 'false' };
    const fromEnv = resolveDaemonConfig({}, env);
    assert.deepEqual([fromEnv.host, fromEnv.port, fromEnv.cleanupIntervalMs, fromEnv.mutations], ['0.0.0.0', 9000, 60_000, false]);
    const fromFlags = resolveDaemonConfig({ host: '::1', port: '0', cleanupIntervalMs: '1000' }, env);
    assert.deepEqual([fromFlags.host, fromFlags.port, fromFlags.cleanupIntervalMs], ['::1', 0, 1_000]);
    assert.equal(resolveDaemonConfig({ mutations: false }, {}).mutations, false, '--no-mutations');
  });

  test('bad values are InvalidConfigError naming the setting, never echoing a token', () => {
    const secretish = 'tooshort';
    for (const [flags, env, pattern] of [
      [{ port: '80a' }, {}, /--port must be a whole number/],
      [{}, { RENDEZVOUS_PORT: '70000' }, /port/],
      [{}, { RENDEZVOUS_API_TOKEN: secretish }, /apiToken/],
      [{}, { RENDEZVOUS_API_READ_TOKEN: secretish }, /readToken/],
      [{}, { RENDEZVOUS_API_TOKEN: 'same-token-0123456789', RENDEZVOUS_API_READ_TOKEN: 'same-token-0123456789' }, /must differ/],
      [{}, { RENDEZVOUS_API_MUTATIONS: 'yes' }, /RENDEZVOUS_API_MUTATIONS/],
      [{ checkIntervalMs: '-5' }, {}, /--check-interval-ms/],
    ] as const) {
      assert.throws(
        () => resolveDaemonConfig(flags, env),
        (error: unknown) => error instanceof InvalidConfigError && pattern.test(error.message) && !error.message.includes(secretish) && !error.message.includes('same-token'),
        JSON.stringify({ flags, env }),
      );
    }
  });
});

describe('API tokens', () => {
  const tokens = new Tokens('write-token-0123456789', 'read-token-0123456789');

  test('each token grants its access; anything else none', () => {
    assert.equal(tokens.accessOf('write-token-0123456789'), 'write');
    assert.equal(tokens.accessOf('read-token-0123456789'), 'read');
    for (const wrong of [undefined, '', 'write-token-012345678', 'write-token-01234567890', 'WRITE-TOKEN-0123456789', 'x'.repeat(10_000)]) assert.equal(tokens.accessOf(wrong), 'none', String(wrong).slice(0, 30));
    assert.equal(tokens.configured, true);
  });

  test('with no token configured, nothing is granted', () => {
    const none = new Tokens(undefined, undefined);
    assert.equal(none.configured, false);
    assert.equal(none.accessOf('anything'), 'none');
    assert.equal(new Tokens(undefined, 'read-token-0123456789').accessOf('read-token-0123456789'), 'read');
  });

  test('bearerOf reads `Bearer <token>` only', () => {
    assert.equal(bearerOf('Bearer abc'), 'abc');
    assert.equal(bearerOf('bearer abc '), 'abc');
    for (const header of [undefined, '', 'Basic abc', 'Bearer', 'Bearer a b', 'abc']) assert.equal(bearerOf(header), undefined, String(header));
  });
});
