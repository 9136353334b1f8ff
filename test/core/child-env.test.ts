import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertNoSecretNames, childEnv, isSecretName, withoutCredentials } from '../../src/core/child-env.js';
import { InvalidConfigError } from '../../src/protocol/errors.js';

test('a child process inherits only the base variables, what is passed by name (URL credentials removed), and what is given', () => {
  const base = { PATH: '/bin', HOME: '/home/a', TZ: 'UTC', BLOCKING_COORDINATION_SECRET: 's', REDIS_PASSWORD: 'p', REDIS_URL: 'redis://u:p@h:1' };
  assert.deepEqual(childEnv({ base }), { PATH: '/bin', HOME: '/home/a', TZ: 'UTC' });
  assert.deepEqual(childEnv({ base, pass: ['REDIS_URL', 'MISSING'], from: base, extra: { X: '1' } }), { PATH: '/bin', HOME: '/home/a', TZ: 'UTC', REDIS_URL: 'redis://h:1', X: '1' });
});

test('credentials are removed from URLs; other values are left alone', () => {
  assert.equal(withoutCredentials('redis://:pw@127.0.0.1:6379/0'), 'redis://127.0.0.1:6379/0');
  assert.equal(withoutCredentials('rediss://user:pw@host/1?x=a@b'), 'rediss://host/1?x=a@b');
  assert.equal(withoutCredentials('redis://host:6379'), 'redis://host:6379');
  assert.equal(withoutCredentials('user@example.com'), 'user@example.com');
});

test('names that hold secrets are recognised and refused', () => {
  assert.deepEqual(['BLOCKING_COORDINATION_SECRET', 'REDIS_PASSWORD', 'GH_TOKEN', 'db_passwd', 'PATH', 'REDIS_URL'].map(isSecretName), [true, true, true, true, false, false]);
  assert.throws(() => assertNoSecretNames(['TEAM', 'BLOCKING_COORDINATION_SECRET_NEW'], 'hooks.passEnv'), InvalidConfigError);
  assert.doesNotThrow(() => assertNoSecretNames(['TEAM', 'REDIS_URL'], 'hooks.passEnv'));
});
