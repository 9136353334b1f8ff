import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertId, assertIds, isValidId } from '../../src/protocol/ids.js';
import { ERROR_CODES, InvalidIdError, RendezvousError } from '../../src/protocol/errors.js';

const VALID = ['a', 'Z', '0', '_', '.', '-', 'coord-1', 'coord-10', 'swarm_A.b-9', 'x'.repeat(64), 'A1b2C3', '...', '--'];

const INVALID_STRINGS: [label: string, value: string][] = [
  ['empty', ''],
  ['65 characters', 'x'.repeat(65)],
  ['colon', 'coord:1'],
  ['open brace', '{swarm'],
  ['close brace', 'swarm}'],
  ['braces', '{swarm}'],
  ['star', 'coord-*'],
  ['question mark', 'coord-?'],
  ['bracket', 'coord-[1]'],
  ['space', 'coord 1'],
  ['leading space', ' coord'],
  ['trailing newline', 'coord-1\n'],
  ['tab', 'coord\t1'],
  ['slash', 'a/b'],
  ['backslash', 'a\\b'],
  ['accented letter', 'coörd'],
  ['cjk', '協調者'],
  ['emoji', 'coord-🙂'],
  ['fullwidth digit', 'coord-１'],
  ['NUL', 'coord\u00001'],
  ['zero-width space', 'coord\u200b1'],
];

const NON_STRINGS: [label: string, value: unknown][] = [
  ['undefined', undefined],
  ['null', null],
  ['number', 1],
  ['NaN', Number.NaN],
  ['boolean', true],
  ['array', ['coord-1']],
  ['object', { id: 'coord-1' }],
  ['String object', new String('coord-1')],
  ['symbol', Symbol('coord-1')],
];

describe('isValidId', () => {
  for (const value of VALID) {
    test(`accepts ${JSON.stringify(value.length > 20 ? `${value.slice(0, 8)}…(${value.length})` : value)}`, () => {
      assert.equal(isValidId(value), true);
    });
  }

  test('accepts exactly 64 characters and rejects 65', () => {
    assert.equal(isValidId('a'.repeat(64)), true);
    assert.equal(isValidId('a'.repeat(65)), false);
  });

  for (const [label, value] of INVALID_STRINGS) {
    test(`rejects ${label}`, () => {
      assert.equal(isValidId(value), false);
    });
  }

  for (const [label, value] of NON_STRINGS) {
    test(`rejects non-string: ${label}`, () => {
      assert.equal(isValidId(value), false);
    });
  }

  test('accepts every character of the alphabet and no other printable ASCII character', () => {
    const alphabet = new Set('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-');
    for (let code = 0; code < 128; code++) {
      const ch = String.fromCharCode(code);
      assert.equal(isValidId(`id${ch}x`), alphabet.has(ch), `character code ${code}`);
    }
  });
});

describe('assertId', () => {
  test('returns for a valid id', () => {
    assert.doesNotThrow(() => assertId('coord-1', 'coordinator id'));
  });

  for (const [label, value] of [...INVALID_STRINGS, ...NON_STRINGS.filter(([l]) => l !== 'symbol')]) {
    test(`throws InvalidIdError (RDV_ERR_INVALID_ID) for ${label}`, () => {
      assert.throws(
        () => assertId(value, 'coordinator id'),
        (error: unknown) => {
          assert.ok(error instanceof InvalidIdError);
          assert.ok(error instanceof RendezvousError);
          assert.equal(error.code, ERROR_CODES.INVALID_ID);
          assert.equal(error.code, 'RDV_ERR_INVALID_ID');
          assert.equal(error.name, 'InvalidIdError');
          assert.equal(error.context.kind, 'coordinator id');
          assert.equal(error.context.value, value);
          return true;
        },
      );
    });
  }

  test('throws InvalidIdError for a symbol', () => {
    assert.throws(() => assertId(Symbol('x'), 'swarm id'), InvalidIdError);
  });

  test('names the kind of id and the rule in the message', () => {
    assert.throws(() => assertId('a:b', 'swarm id'), (error: unknown) => {
      assert.ok(error instanceof InvalidIdError);
      assert.match(error.message, /swarm id/);
      assert.match(error.message, /"a:b"/);
      assert.match(error.message, /1-64 characters/);
      return true;
    });
  });

  // The error message renders any value without throwing (JSON.stringify would for these).
  test('throws InvalidIdError (not TypeError) for a BigInt', () => {
    assert.throws(() => assertId(10n, 'coordinator id'), InvalidIdError);
  });

  test('throws InvalidIdError (not TypeError) for a circular object', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    assert.throws(() => assertId(circular, 'coordinator id'), InvalidIdError);
  });
});

describe('assertIds', () => {
  test('accepts an empty list and a list of valid ids', () => {
    assert.doesNotThrow(() => assertIds([], 'coordinator id'));
    assert.doesNotThrow(() => assertIds(['a', 'b-1', 'c.2'], 'coordinator id'));
  });

  test('throws InvalidIdError for a non-array', () => {
    for (const value of ['coord-1', undefined, null, 3, { 0: 'a', length: 1 }]) {
      assert.throws(() => assertIds(value, 'coordinator id'), (error: unknown) => {
        assert.ok(error instanceof InvalidIdError);
        assert.equal(error.code, 'RDV_ERR_INVALID_ID');
        return true;
      });
    }
  });

  test('throws InvalidIdError naming the first bad element', () => {
    assert.throws(() => assertIds(['ok-1', 'bad id', 'also:bad'], 'task id'), (error: unknown) => {
      assert.ok(error instanceof InvalidIdError);
      assert.equal(error.context.value, 'bad id');
      assert.equal(error.context.kind, 'task id');
      return true;
    });
  });
});
