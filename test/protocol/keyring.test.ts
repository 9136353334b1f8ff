import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { Keyring, type SignatureVerdict } from '../../src/protocol/keyring.js';
import { SECRET_A, SECRET_B, flipHexChar, keyringA, keyringB } from './fixtures.js';

/** What the runbook recipe prints: `printf '%s' "$data" | openssl dgst -sha256 -hmac "$secret"`. */
function opensslHmac(secret: string, data: string): string {
  const result = spawnSync('openssl', ['dgst', '-sha256', '-hmac', secret], { input: data, encoding: 'utf8' });
  if (result.error) throw result.error;
  assert.equal(result.status, 0, `openssl failed: ${result.stderr}`);
  // OpenSSL 3 prints `SHA2-256(stdin)= <hex>`, OpenSSL 1.1 `(stdin)= <hex>`.
  const match = /=\s*([0-9a-f]{64})\s*$/.exec(result.stdout);
  assert.ok(match, `unexpected openssl output: ${result.stdout}`);
  return match[1] as string;
}

const nodeHmac = (secret: string, data: string): string => createHmac('sha256', secret).update(data, 'utf8').digest('hex');

const DATA = [
  'coord-1:coord-2:wake:1700000000000',
  'coord-1:coord-2:completion:1700000000001:iteration=3:payload=abc:idempotencyKey=k-1',
  '',
  'unicode ✓ 漢字 🙂',
  'line one\nline two',
];

describe('Keyring.sign', () => {
  for (const data of DATA) {
    test(`equals node:crypto createHmac for ${JSON.stringify(data).slice(0, 40)}`, () => {
      assert.equal(keyringA().sign(data), nodeHmac(SECRET_A, data));
    });
  }

  for (const data of DATA) {
    test(`equals \`openssl dgst -sha256 -hmac\` for ${JSON.stringify(data).slice(0, 40)}`, () => {
      assert.equal(keyringA().sign(data), opensslHmac(SECRET_A, data));
    });
  }

  test('is 64 lowercase hex characters and deterministic', () => {
    const keyring = keyringA();
    const signature = keyring.sign('x');
    assert.match(signature, /^[0-9a-f]{64}$/);
    assert.equal(keyring.sign('x'), signature);
    assert.notEqual(keyring.sign('y'), signature);
  });

  test('differs between secrets', () => {
    assert.notEqual(keyringA().sign('x'), keyringB().sign('x'));
  });
});

describe('Keyring.verify verdicts', () => {
  const keyring = keyringA();
  const data = DATA[0] as string;
  const good = keyring.sign(data);

  const cases: [label: string, signature: unknown, verdict: SignatureVerdict][] = [
    ['its own signature', good, 'ok'],
    ['undefined', undefined, 'unsigned'],
    ['empty string', '', 'unsigned'],
    ['number 42', 42, 'unsigned'],
    ['null', null, 'unsigned'],
    ['object', { signature: good }, 'unsigned'],
    ['Buffer of the right bytes', Buffer.from(good, 'hex'), 'unsigned'],
    ['63 hex characters', good.slice(0, 63), 'signature_length'],
    ['65 hex characters', `${good}0`, 'signature_length'],
    ['128 hex characters', good + good, 'signature_length'],
    ['1 character', 'a', 'signature_length'],
    ['64 non-hex characters', 'z'.repeat(64), 'bad_signature'],
    ['63 hex characters and a g', `${good.slice(0, 63)}g`, 'bad_signature'],
    ['64 characters with a space', ` ${good.slice(1)}`, 'bad_signature'],
    ['64 multi-byte characters', 'é'.repeat(64), 'bad_signature'],
    ['signature by another secret', keyringB().sign(data), 'bad_signature'],
    ['signature of other data', keyring.sign(`${data}0`), 'bad_signature'],
    ['first character flipped', flipHexChar(good, 0), 'bad_signature'],
    ['last character flipped', flipHexChar(good, 63), 'bad_signature'],
    ['middle character flipped', flipHexChar(good, 31), 'bad_signature'],
    ['all zeros', '0'.repeat(64), 'bad_signature'],
  ];

  for (const [label, signature, verdict] of cases) {
    test(`${label} → ${verdict} (and never throws)`, () => {
      let result: SignatureVerdict | undefined;
      assert.doesNotThrow(() => {
        result = keyring.verify(data, signature);
      });
      assert.equal(result, verdict);
    });
  }

  test('every single flipped character is bad_signature', () => {
    for (let i = 0; i < 64; i++) assert.equal(keyring.verify(data, flipHexChar(good, i)), 'bad_signature', `index ${i}`);
  });

  test('a signature made with openssl verifies', () => {
    assert.equal(keyring.verify(data, opensslHmac(SECRET_A, data)), 'ok');
    assert.equal(keyring.verify(data, opensslHmac(SECRET_B, data)), 'bad_signature');
  });

  test('odd lengths and odd characters around the 64-character boundary never throw', () => {
    const alphabet = ['0', 'f', 'F', 'g', ' ', '\u0000', 'é', '🙂'];
    for (let length = 0; length <= 130; length++) {
      for (const ch of alphabet) {
        const verdict = keyring.verify(data, ch.repeat(length));
        assert.ok(['unsigned', 'signature_length', 'bad_signature'].includes(verdict), `${length} × ${JSON.stringify(ch)}: ${verdict}`);
      }
    }
  });
});

describe('Keyring rotation', () => {
  const oldSecret = Buffer.from(SECRET_A, 'utf8');
  const newSecret = Buffer.from(SECRET_B, 'utf8');
  const data = 'coord-1:coord-2:wake:1700000000000';

  test('Keyring(old, [new]) verifies signatures by both secrets', () => {
    const rotating = new Keyring(oldSecret, [newSecret]);
    assert.equal(rotating.verify(data, new Keyring(oldSecret).sign(data)), 'ok');
    assert.equal(rotating.verify(data, new Keyring(newSecret).sign(data)), 'ok');
  });

  test('Keyring(old, [new]) signs with the old (primary) secret', () => {
    const rotating = new Keyring(oldSecret, [newSecret]);
    assert.equal(rotating.sign(data), nodeHmac(SECRET_A, data));
    assert.notEqual(rotating.sign(data), nodeHmac(SECRET_B, data));
  });

  test('Keyring(new) rejects signatures by the old secret after promotion', () => {
    const promoted = new Keyring(newSecret);
    assert.equal(promoted.verify(data, new Keyring(oldSecret).sign(data)), 'bad_signature');
    assert.equal(promoted.verify(data, new Keyring(newSecret).sign(data)), 'ok');
  });

  test('a third secret is rejected by a rotating keyring', () => {
    const rotating = new Keyring(oldSecret, [newSecret]);
    const third = new Keyring(Buffer.alloc(32, 7));
    assert.equal(rotating.verify(data, third.sign(data)), 'bad_signature');
  });

  test('several verify-only secrets all verify', () => {
    const extra = [Buffer.alloc(32, 1), Buffer.alloc(32, 2), Buffer.alloc(32, 3)];
    const keyring = new Keyring(oldSecret, extra);
    for (const key of extra) assert.equal(keyring.verify(data, new Keyring(key).sign(data)), 'ok');
  });
});
