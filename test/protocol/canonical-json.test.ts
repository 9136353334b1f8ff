import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { MAX_JSON_DEPTH, canonicalHash, jsonValueProblem, normalizePayload } from '../../src/protocol/canonical-json.js';
import { ERROR_CODES, InvalidPayloadError, RendezvousError } from '../../src/protocol/errors.js';

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

function assertInvalidPayload(fn: () => unknown): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof InvalidPayloadError, `got ${String(error)}`);
    assert.ok(error instanceof RendezvousError);
    assert.equal(error.code, ERROR_CODES.INVALID_PAYLOAD);
    assert.equal(error.code, 'RDV_ERR_INVALID_PAYLOAD');
    assert.match(error.message, /JSON/);
    return true;
  });
}

describe('normalizePayload', () => {
  test('throws InvalidPayloadError for a BigInt, at top level and nested', () => {
    assertInvalidPayload(() => normalizePayload(10n));
    assertInvalidPayload(() => normalizePayload({ a: { b: [1, 2n] } }));
  });

  test('throws InvalidPayloadError for a function', () => {
    assertInvalidPayload(() => normalizePayload(() => 1));
    assertInvalidPayload(() => normalizePayload(function named() {}));
  });

  test('throws InvalidPayloadError for a symbol or undefined', () => {
    assertInvalidPayload(() => normalizePayload(Symbol('s')));
    assertInvalidPayload(() => normalizePayload(undefined));
  });

  test('throws InvalidPayloadError for circular objects and arrays', () => {
    const obj: Record<string, unknown> = { a: 1 };
    obj.self = obj;
    assertInvalidPayload(() => normalizePayload(obj));
    const arr: unknown[] = [1];
    arr.push(arr);
    assertInvalidPayload(() => normalizePayload(arr));
    const deep: Record<string, unknown> = { x: { y: {} } };
    (deep.x as { y: Record<string, unknown> }).y.back = deep;
    assertInvalidPayload(() => normalizePayload(deep));
  });

  test('throws InvalidPayloadError when toJSON throws', () => {
    assertInvalidPayload(() =>
      normalizePayload({
        toJSON() {
          throw new Error('boom');
        },
      }),
    );
  });

  test('normalises a Date to its ISO string', () => {
    const date = new Date('2024-05-06T07:08:09.010Z');
    assert.equal(normalizePayload(date), '2024-05-06T07:08:09.010Z');
    assert.deepEqual(normalizePayload({ at: date }), { at: '2024-05-06T07:08:09.010Z' });
  });

  test('is a JSON round trip: drops undefined and function members, maps NaN/Infinity to null', () => {
    assert.deepEqual(normalizePayload({ a: 1, b: undefined, c: () => 1, d: [undefined, Number.NaN, Infinity] }), { a: 1, d: [null, null, null] });
    assert.deepEqual(normalizePayload(new Map([[1, 2]])), {});
    assert.equal(normalizePayload(-0), 0);
    assert.ok(Object.is(normalizePayload(-0), 0));
  });

  test('returns a copy, not the input', () => {
    const input = { a: { b: 1 } };
    const out = normalizePayload(input) as { a: { b: number } };
    assert.deepEqual(out, input);
    assert.notEqual(out, input);
    assert.notEqual(out.a, input.a);
  });

  test('keeps JSON primitives', () => {
    for (const value of [null, true, false, 0, 1.5, -3, 'text ✓', '', [], {}]) assert.deepEqual(normalizePayload(value), value);
  });
});

describe('canonicalHash', () => {
  test('is the sha256 hex of the key-sorted JSON', () => {
    assert.equal(canonicalHash({ b: 1, a: [2, { d: 3, c: 4 }] }), sha256('{"a":[2,{"c":4,"d":3}],"b":1}'));
    assert.equal(canonicalHash('x'), sha256('"x"'));
    assert.equal(canonicalHash(null), sha256('null'));
    assert.match(canonicalHash(1), /^[0-9a-f]{64}$/);
  });

  test('does not depend on key order, at any depth', () => {
    const a = { z: 1, y: { q: [1, { m: 1, l: 2 }], p: null }, x: 'x' };
    const b = { x: 'x', y: { p: null, q: [1, { l: 2, m: 1 }] }, z: 1 };
    assert.equal(canonicalHash(a), canonicalHash(b));
    assert.equal(canonicalHash(JSON.parse(JSON.stringify(a))), canonicalHash(b));
  });

  test('depends on array order and on every value', () => {
    assert.notEqual(canonicalHash([1, 2]), canonicalHash([2, 1]));
    assert.notEqual(canonicalHash({ a: 1 }), canonicalHash({ a: 2 }));
    assert.notEqual(canonicalHash({ a: 1 }), canonicalHash({ a: '1' }));
    assert.notEqual(canonicalHash({ a: 1 }), canonicalHash({ b: 1 }));
    assert.notEqual(canonicalHash({ a: null }), canonicalHash({}));
  });

  test('hashes a normalised payload the same as what the receiver parses from the wire', () => {
    const payload = normalizePayload({ when: new Date(0), list: [3, 1], nested: { b: true, a: 'x' } });
    const onTheWire = JSON.parse(JSON.stringify({ payload })) as { payload: unknown };
    assert.equal(canonicalHash(onTheWire.payload), canonicalHash(payload));
  });
});

/** `[[...]]` nested `depth` levels (depth 1 is `[]`), built from text as a wire body would be. */
const nestedArrays = (depth: number): unknown => JSON.parse('['.repeat(depth) + ']'.repeat(depth));

describe('jsonValueProblem', () => {
  test('accepts what a JSON round trip gives: primitives, null, empty and nested containers', () => {
    for (const value of [null, 0, 1.5, -2, 1e300, '', 'x', true, false, [], {}, { a: [1, { b: null }] }, nestedArrays(MAX_JSON_DEPTH)]) {
      assert.equal(jsonValueProblem(value), undefined, JSON.stringify(value)?.slice(0, 40));
    }
  });

  test('finds the numbers the canonical form would change: overflow to ±Infinity, NaN, -0, at any depth', () => {
    for (const value of [JSON.parse('1e999'), JSON.parse('-1e999'), Number.NaN, JSON.parse('-0'), { a: [1, { b: JSON.parse('1e999') }] }, [0, JSON.parse('[-0]')]]) {
      assert.match(jsonValueProblem(value) ?? '', /number|-0/);
    }
  });

  test(`finds nesting deeper than ${MAX_JSON_DEPTH} levels, iteratively: a hostile depth cannot exhaust the stack`, () => {
    assert.match(jsonValueProblem(nestedArrays(MAX_JSON_DEPTH + 1)) ?? '', /deeper than 1000/);
    assert.match(jsonValueProblem(JSON.parse('{"a":'.repeat(MAX_JSON_DEPTH + 1) + '1' + '}'.repeat(MAX_JSON_DEPTH + 1))) ?? '', /deeper/);
    assert.match(jsonValueProblem(nestedArrays(200_000)) ?? '', /deeper/);
  });

  test('walks wide values too: a million numbers, one -0 at the end', () => {
    const flat: number[] = new Array<number>(1_000_000).fill(1);
    assert.equal(jsonValueProblem(flat), undefined);
    flat.push(JSON.parse('-0') as number);
    assert.match(jsonValueProblem({ a: flat }) ?? '', /-0/);
  });

  test('normalizePayload refuses a payload nested too deep, with InvalidPayloadError', () => {
    assert.doesNotThrow(() => normalizePayload(nestedArrays(MAX_JSON_DEPTH)));
    assertInvalidPayload(() => normalizePayload(nestedArrays(MAX_JSON_DEPTH + 1)));
  });
});
