import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidConfigError } from '../../src/protocol/errors.js';
import { createStore } from '../../src/store/create-store.js';

/** Each bad URL fails before any connection, with a typed error that says what to write instead. */
const BAD_URLS: [url: string, says: RegExp][] = [
  ['redis://a:1,b:2', /several nodes.*`cluster: \[\{ host, port \}, \.\.\.\]`.*redis\+sentinel:\/\//],
  ['redis://user:pw@a:1,b:2/0', /several nodes/],
  ['http://localhost:6379', /must start with redis:\/\/, rediss:\/\/, redis\+sentinel:\/\/ or redis\+cluster:\/\//],
  ['redis://host:99999', /not a valid URL.*port from 1 to 65535/],
  ['redis://host:abc', /not a valid URL/],
  ['redis://[::1:6379', /not a valid URL/],
  ['redis://', /names no host/],
  ['redis://user:p%ZZ@host:6379', /malformed %-escape.*percent-encode/],
  ['redis://host:6379/cache', /not a database number/],
];

test('a bad Redis URL is an InvalidConfigError saying what to do, never a TypeError from the URL parser', async () => {
  for (const [url, says] of BAD_URLS) {
    await assert.rejects(createStore({ url }), (error: unknown) => {
      assert.ok(error instanceof InvalidConfigError, `${url}: ${String(error)}`);
      assert.match(error.message, says, url);
      assert.match(error.message, /^Invalid configuration: `url` /, url);
      return true;
    });
  }
});

test('a bad REDIS_URL is named as such', async () => {
  await assert.rejects(createStore({ env: { REDIS_URL: 'redis://a:1,b:2' } }), /Invalid configuration: REDIS_URL names several nodes/);
});
