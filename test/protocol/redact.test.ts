import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { test } from 'node:test';
import { StoreCommandError, StoreUnavailableError } from '../../src/protocol/errors.js';
import { REDACTED, redactCommand, redactError, redactText, redactUrl } from '../../src/protocol/redact.js';

const PW = 's3cr3t-pw';

test('a URL loses its password, keeps its user, host, port, database and harmless query', () => {
  const cases: [url: string, shown: string][] = [
    [`redis://user:${PW}@host:6379/2`, `redis://user:${REDACTED}@host:6379/2`],
    [`redis://:${PW}@host:6379`, `redis://:${REDACTED}@host:6379`],
    [`rediss://${PW}@host:6380`, `rediss://${REDACTED}@host:6380`], // redis-cli reads a lone userinfo as the password
    [`redis+sentinel://u:${PW}@h1:26379,h2:26379/mymaster/0`, `redis+sentinel://u:${REDACTED}@h1:26379,h2:26379/mymaster/0`],
    [`rediss://host:6380/0?password=${PW}&family=4`, `rediss://host:6380/0?password=${REDACTED}&family=4`],
    [`rediss://host:6380?sentinelPassword=${PW}`, `rediss://host:6380?sentinelPassword=${REDACTED}`],
    ['redis://host:6379/0', 'redis://host:6379/0'],
    ['file:///app/node_modules/@scope/pkg/index.js:1:2', 'file:///app/node_modules/@scope/pkg/index.js:1:2'], // a stack frame
  ];
  for (const [url, shown] of cases) assert.equal(redactUrl(url), shown, url);
});

test('a malformed URL loses everything up to its last @, whatever the password holds', () => {
  for (const url of [`redis://user:${PW}/x@host:1`, `redis://user:${PW}?x@host:1`, `redis://user:${PW}#x@host:1`, `redis://u:${PW}@x@host`, `user:${PW}@host:1`, `http://u:${PW}@h`]) {
    const shown = redactUrl(url);
    assert.ok(!shown.includes(PW), `${url} -> ${shown}`);
    assert.ok(shown.includes(REDACTED), shown);
  }
});

test('free text: every URL in it is redacted, and an echoed AUTH-like command loses its arguments', () => {
  assert.equal(redactText(`cannot reach redis://u:${PW}@h:1 nor redis://h:2`), `cannot reach redis://u:${REDACTED}@h:1 nor redis://h:2`);
  assert.equal(redactText(`ERR unknown command 'HELLO', with args beginning with: '3' 'AUTH' 'u' '${PW}' `), `ERR unknown command 'HELLO', with args beginning with: ${REDACTED}`);
  assert.equal(redactText('ERR unknown command \'FOO\', with args beginning with: \'a\''), 'ERR unknown command \'FOO\', with args beginning with: \'a\'');
});

test("the arguments that carry a password are replaced; other commands' are kept", () => {
  const cases: [name: string, args: string[], shown: string[]][] = [
    ['auth', [PW], [REDACTED]],
    ['auth', ['user', PW], ['user', REDACTED]],
    ['hello', ['3', 'AUTH', 'user', PW, 'SETNAME', 'n'], ['3', 'AUTH', 'user', REDACTED, 'SETNAME', 'n']],
    ['migrate', ['h', '1', '', '0', '5000', 'AUTH', PW, 'KEYS', 'k'], ['h', '1', '', '0', '5000', 'AUTH', REDACTED, 'KEYS', 'k']],
    ['migrate', ['h', '1', '', '0', '5000', 'AUTH2', 'user', PW], ['h', '1', '', '0', '5000', 'AUTH2', 'user', REDACTED]],
    ['config', ['SET', 'requirepass', PW, 'maxmemory', '1gb'], ['SET', 'requirepass', REDACTED, 'maxmemory', '1gb']],
    ['config', ['SET', 'masterauth', PW], ['SET', 'masterauth', REDACTED]],
    ['acl', ['SETUSER', 'app', 'on', `>${PW}`, '~app:*'], ['SETUSER', 'app', 'on', REDACTED, '~app:*']],
    ['sentinel', ['SET', 'mymaster', 'auth-pass', PW], ['SET', 'mymaster', 'auth-pass', REDACTED]],
    ['get', ['key'], ['key']],
  ];
  for (const [name, args, shown] of cases) assert.deepEqual(redactCommand({ name, args }), { name, args: shown }, `${name} ${args.join(' ')}`);
  const untouched = { name: 'get', args: ['k'] };
  assert.equal(redactCommand(untouched), untouched, 'nothing to redact: the same object');
});

/** What ioredis rejects a failed AUTH with: a ReplyError-like error whose `command` holds the password. */
function authError(): Error {
  class ReplyError extends Error {}
  return Object.assign(new ReplyError('WRONGPASS invalid username-password pair or user is disabled.'), { command: { name: 'auth', args: ['user', PW] } });
}

test('an error is copied with its command, cause chain and nested errors redacted; its class and fields are kept', () => {
  const original = authError();
  const wrapped = new Error(`connect to redis://u:${PW}@h:1 failed`, { cause: original });
  const copy = redactError(wrapped);
  assert.notEqual(copy, wrapped);
  assert.ok(!inspect(copy, { showHidden: true, depth: 10 }).includes(PW));
  assert.equal(copy.message, `connect to redis://u:${REDACTED}@h:1 failed`);
  assert.ok(!copy.stack!.includes(PW), 'the stack repeats the message');
  const cause = copy.cause as Error & { command: unknown };
  assert.equal(Object.getPrototypeOf(cause), Object.getPrototypeOf(original), 'same class');
  assert.deepEqual(cause.command, { name: 'auth', args: ['user', REDACTED] });
  assert.deepEqual((original as Error & { command: { args: string[] } }).command.args, ['user', PW], 'the original is not changed');
  const aggregate = redactError(Object.assign(new Error('all nodes failed'), { lastNodeError: authError(), errors: [authError()] }));
  assert.ok(!inspect(aggregate, { showHidden: true, depth: 10 }).includes(PW));
  const clean = new Error('connect ECONNREFUSED 127.0.0.1:6379');
  clean.stack = `${clean.stack}\n    at run (file:///app/node_modules/@scope/pkg/index.js:1:2)`;
  assert.equal(redactError(clean), clean, 'nothing to redact: the same error');
  const cyclic = authError() as Error & { self?: unknown };
  cyclic.self = cyclic;
  assert.ok(!inspect(redactError(cyclic), { depth: 3 }).includes(PW), 'a cycle ends');
});

test("a store error's message and cause carry no password, however deep the cause hides it", () => {
  for (const error of [new StoreUnavailableError('connect', authError()), new StoreCommandError('time', authError()), new StoreUnavailableError('connect', new Error(`redis://u:${PW}@h`))]) {
    const shown = inspect(error, { showHidden: true, depth: 10 }) + JSON.stringify(error) + JSON.stringify(error.cause);
    assert.ok(!shown.includes(PW), shown);
    assert.ok(error.cause instanceof Error);
  }
});
