import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { resolveKeyring } from '../../src/core/secrets.js';
import { ERROR_CODES, InvalidConfigError, RendezvousError, SecretMissingError, SecretTooShortError } from '../../src/protocol/errors.js';
import { Keyring } from '../../src/protocol/keyring.js';
import type { Logger } from '../../src/protocol/logger.js';

type Level = 'debug' | 'info' | 'warn' | 'error';
interface LogCall {
  level: Level;
  obj: object;
  msg: string | undefined;
}

/** A Logger that records every call (children share the record). */
function recordingLogger(calls: LogCall[] = []): Logger & { calls: LogCall[] } {
  const at = (level: Level) => (obj: object, msg?: string) => {
    calls.push({ level, obj, msg });
  };
  return {
    calls,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => recordingLogger(calls),
  };
}

const SECRET = 'x'.repeat(32);
const SECRET_NEW = 'y'.repeat(32);
const SHORT = 'z'.repeat(31);
const DATA = 'coord-1:coord-2:wake:1700000000000';
const hmac = (secret: string | Buffer, data = DATA) => createHmac('sha256', secret).update(data).digest('hex');

function assertTooShort(fn: () => unknown, which: string, bytes = 31): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof SecretTooShortError, `got ${String(error)}`);
    assert.ok(error instanceof RendezvousError);
    assert.equal(error.code, ERROR_CODES.SECRET_TOO_SHORT);
    assert.equal(error.code, 'RDV_ERR_SECRET_TOO_SHORT');
    assert.equal(error.context.which, which);
    assert.equal(error.context.bytes, bytes);
    assert.equal(error.context.minimum, 32);
    return true;
  });
}

function assertMissing(fn: () => unknown): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof SecretMissingError, `got ${String(error)}`);
    assert.equal(error.code, 'RDV_ERR_SECRET_MISSING');
    return true;
  });
}

describe('resolveKeyring: missing secret', () => {
  test('no option and no env → SecretMissingError', () => {
    const logger = recordingLogger();
    assertMissing(() => resolveKeyring({}, {}, logger));
    assert.equal(logger.calls.length, 0);
  });

  test('an empty env secret counts as missing', () => {
    assertMissing(() => resolveKeyring({}, { BLOCKING_COORDINATION_SECRET: '' }, recordingLogger()));
  });

  test('only the _NEW secret is not enough to sign', () => {
    assertMissing(() => resolveKeyring({ secretNew: SECRET_NEW }, {}, recordingLogger()));
    assertMissing(() => resolveKeyring({}, { BLOCKING_COORDINATION_SECRET_NEW: SECRET_NEW }, recordingLogger()));
  });

  test('allowGeneratedSecret: false and RENDEZVOUS_DEV_SECRET 0, false or empty do not enable development mode', () => {
    assertMissing(() => resolveKeyring({ allowGeneratedSecret: false }, {}, recordingLogger()));
    for (const value of ['0', 'false', '']) assertMissing(() => resolveKeyring({}, { RENDEZVOUS_DEV_SECRET: value }, recordingLogger()));
  });

  test('RENDEZVOUS_DEV_SECRET is read strictly: a value that is not 1, true, 0 or false is refused, not ignored', () => {
    for (const value of ['yes', 'on', '2']) {
      assert.throws(() => resolveKeyring({}, { RENDEZVOUS_DEV_SECRET: value }, recordingLogger()), (error: unknown) => error instanceof InvalidConfigError && /RENDEZVOUS_DEV_SECRET/.test(error.message));
    }
  });
});

describe('resolveKeyring: secret length', () => {
  test('a 31-byte primary secret (option) → SecretTooShortError', () => {
    assertTooShort(() => resolveKeyring({ secret: SHORT }, {}, recordingLogger()), 'BLOCKING_COORDINATION_SECRET');
  });

  test('a 31-byte primary secret (env) → SecretTooShortError', () => {
    assertTooShort(() => resolveKeyring({}, { BLOCKING_COORDINATION_SECRET: SHORT }, recordingLogger()), 'BLOCKING_COORDINATION_SECRET');
  });

  test('a 31-byte Buffer secret → SecretTooShortError', () => {
    assertTooShort(() => resolveKeyring({ secret: Buffer.alloc(31, 1) }, {}, recordingLogger()), 'BLOCKING_COORDINATION_SECRET');
  });

  test('a 31-byte _NEW secret (option) → SecretTooShortError', () => {
    assertTooShort(() => resolveKeyring({ secret: SECRET, secretNew: SHORT }, {}, recordingLogger()), 'BLOCKING_COORDINATION_SECRET_NEW');
  });

  test('a 31-byte _NEW secret (env) → SecretTooShortError', () => {
    assertTooShort(
      () => resolveKeyring({}, { BLOCKING_COORDINATION_SECRET: SECRET, BLOCKING_COORDINATION_SECRET_NEW: SHORT }, recordingLogger()),
      'BLOCKING_COORDINATION_SECRET_NEW',
    );
  });

  test('a short secret is refused even in development mode', () => {
    assertTooShort(() => resolveKeyring({ secret: SHORT, allowGeneratedSecret: true }, {}, recordingLogger()), 'BLOCKING_COORDINATION_SECRET');
    assertTooShort(() => resolveKeyring({ secretNew: SHORT }, { RENDEZVOUS_DEV_SECRET: '1' }, recordingLogger()), 'BLOCKING_COORDINATION_SECRET_NEW');
  });

  test('an empty option secret is refused as too short, not silently replaced', () => {
    assertTooShort(() => resolveKeyring({ secret: '' }, { BLOCKING_COORDINATION_SECRET: SECRET }, recordingLogger()), 'BLOCKING_COORDINATION_SECRET', 0);
  });

  test('length is counted in UTF-8 bytes', () => {
    // 16 two-byte characters are 32 bytes
    const keyring = resolveKeyring({ secret: 'é'.repeat(16) }, {}, recordingLogger());
    assert.equal(keyring.sign(DATA), hmac(Buffer.from('é'.repeat(16), 'utf8')));
    assertTooShort(() => resolveKeyring({ secret: `${'é'.repeat(15)}a` }, {}, recordingLogger()), 'BLOCKING_COORDINATION_SECRET', 31);
  });

  test('exactly 32 bytes is accepted', () => {
    assert.ok(resolveKeyring({ secret: SECRET }, {}, recordingLogger()) instanceof Keyring);
    assert.ok(resolveKeyring({ secret: Buffer.alloc(32, 9) }, {}, recordingLogger()) instanceof Keyring);
  });
});

describe('resolveKeyring: sources', () => {
  test('env BLOCKING_COORDINATION_SECRET is used when no option is given', () => {
    const logger = recordingLogger();
    const keyring = resolveKeyring({}, { BLOCKING_COORDINATION_SECRET: SECRET }, logger);
    assert.equal(keyring.sign(DATA), hmac(SECRET));
    assert.equal(logger.calls.filter((c) => c.level === 'warn').length, 0);
  });

  test('the option secret wins over the env secret', () => {
    const keyring = resolveKeyring({ secret: SECRET_NEW }, { BLOCKING_COORDINATION_SECRET: SECRET }, recordingLogger());
    assert.equal(keyring.sign(DATA), hmac(SECRET_NEW));
    assert.equal(keyring.verify(DATA, hmac(SECRET)), 'bad_signature');
  });

  test('a Buffer secret is used as is', () => {
    const buffer = Buffer.alloc(32, 0xab);
    assert.equal(resolveKeyring({ secret: buffer }, {}, recordingLogger()).sign(DATA), hmac(buffer));
  });

  test('a string secret is used as its UTF-8 bytes, as `openssl dgst -hmac <secret>` does', () => {
    const hexSecret = 'a3'.repeat(32); // what `openssl rand -hex 32` prints
    assert.equal(resolveKeyring({ secret: hexSecret }, {}, recordingLogger()).sign(DATA), hmac(Buffer.from(hexSecret, 'utf8')));
  });

  test('rotation from env: signs with the primary, verifies both', () => {
    const keyring = resolveKeyring({}, { BLOCKING_COORDINATION_SECRET: SECRET, BLOCKING_COORDINATION_SECRET_NEW: SECRET_NEW }, recordingLogger());
    assert.equal(keyring.sign(DATA), hmac(SECRET));
    assert.equal(keyring.verify(DATA, hmac(SECRET)), 'ok');
    assert.equal(keyring.verify(DATA, hmac(SECRET_NEW)), 'ok');
    assert.equal(keyring.verify(DATA, hmac('w'.repeat(32))), 'bad_signature');
  });

  test('rotation from options: the secretNew option wins over the env', () => {
    const keyring = resolveKeyring({ secret: SECRET, secretNew: SECRET_NEW }, { BLOCKING_COORDINATION_SECRET_NEW: 'w'.repeat(32) }, recordingLogger());
    assert.equal(keyring.verify(DATA, hmac(SECRET_NEW)), 'ok');
    assert.equal(keyring.verify(DATA, hmac('w'.repeat(32))), 'bad_signature');
  });

  test('a real secret in development mode is used, with no warning', () => {
    const logger = recordingLogger();
    const keyring = resolveKeyring({ secret: SECRET, allowGeneratedSecret: true }, { RENDEZVOUS_DEV_SECRET: '1' }, logger);
    assert.equal(keyring.sign(DATA), hmac(SECRET));
    assert.equal(logger.calls.length, 0);
  });
});

describe('resolveKeyring: development mode', () => {
  function assertWarnedAboutDevelopment(logger: { calls: LogCall[] }): void {
    const warnings = logger.calls.filter((c) => c.level === 'warn');
    assert.equal(warnings.length, 1, JSON.stringify(logger.calls));
    const [warning] = warnings;
    assert.ok(warning);
    assert.match(warning.msg ?? '', /development/i);
    assert.match(warning.msg ?? '', /BLOCKING_COORDINATION_SECRET/);
  }

  test('allowGeneratedSecret returns a working keyring and logs a warning', () => {
    const logger = recordingLogger();
    const keyring = resolveKeyring({ allowGeneratedSecret: true }, {}, logger);
    const signature = keyring.sign(DATA);
    assert.match(signature, /^[0-9a-f]{64}$/);
    assert.equal(keyring.verify(DATA, signature), 'ok');
    assert.equal(keyring.verify(`${DATA}x`, signature), 'bad_signature');
    assertWarnedAboutDevelopment(logger);
  });

  test('env RENDEZVOUS_DEV_SECRET=1 returns a working keyring and logs a warning', () => {
    const logger = recordingLogger();
    const keyring = resolveKeyring({}, { RENDEZVOUS_DEV_SECRET: '1' }, logger);
    assert.equal(keyring.verify(DATA, keyring.sign(DATA)), 'ok');
    assertWarnedAboutDevelopment(logger);
  });

  test('two development keyrings of one process verify each other (same process secret)', () => {
    const a = resolveKeyring({ allowGeneratedSecret: true }, {}, recordingLogger());
    const b = resolveKeyring({}, { RENDEZVOUS_DEV_SECRET: '1' }, recordingLogger());
    assert.equal(a.sign(DATA), b.sign(DATA));
    assert.equal(b.verify(DATA, a.sign(DATA)), 'ok');
    assert.equal(a.verify(DATA, b.sign(DATA)), 'ok');
  });

  test('the generated secret is not a fixed or empty one', () => {
    const keyring = resolveKeyring({ allowGeneratedSecret: true }, {}, recordingLogger());
    for (const guess of ['', '0'.repeat(32), Buffer.alloc(32)]) assert.notEqual(keyring.sign(DATA), hmac(guess));
    assert.equal(keyring.verify(DATA, hmac(SECRET)), 'bad_signature');
  });

  test('development mode keeps a _NEW secret for verification', () => {
    const keyring = resolveKeyring({ allowGeneratedSecret: true, secretNew: SECRET_NEW }, {}, recordingLogger());
    assert.equal(keyring.verify(DATA, hmac(SECRET_NEW)), 'ok');
    assert.notEqual(keyring.sign(DATA), hmac(SECRET_NEW));
  });
});
