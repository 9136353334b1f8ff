import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compileFilter, matches, type SignalFilter } from '../../src/core/signal-filter.js';
import { ERROR_CODES, InvalidIdError, RendezvousError } from '../../src/protocol/errors.js';
import type { Signal } from '../../src/protocol/signal.js';

function signal(overrides: Partial<Signal> = {}): Signal {
  const base = { senderId: 'coord-1', receiverId: 'coord-2', type: 'wake', timestamp: 1_700_000_000_000, ...overrides };
  return { messageId: `${base.senderId}:${base.type}:${base.timestamp}`, signature: 'f'.repeat(64), ...base };
}

describe('compileFilter / matches', () => {
  test('an empty filter matches every signal', () => {
    const filter = compileFilter({});
    assert.equal(filter.types, undefined);
    assert.equal(filter.from, undefined);
    assert.equal(filter.iteration, undefined);
    for (const s of [signal(), signal({ type: 'decide', senderId: 'x', iteration: 9 }), signal({ payload: { a: 1 } })]) assert.equal(matches(filter, s), true);
  });

  test('types as a string', () => {
    const filter = compileFilter({ types: 'completion' });
    assert.deepEqual([...(filter.types ?? [])], ['completion']);
    assert.equal(matches(filter, signal({ type: 'completion' })), true);
    assert.equal(matches(filter, signal({ type: 'wake' })), false);
    assert.equal(matches(filter, signal({ type: 'completion2' })), false);
  });

  test('types as an array', () => {
    const filter = compileFilter({ types: ['completion', 'error'] });
    assert.equal(matches(filter, signal({ type: 'completion' })), true);
    assert.equal(matches(filter, signal({ type: 'error' })), true);
    assert.equal(matches(filter, signal({ type: 'wake' })), false);
  });

  test('from as a string: coord-1 does not match coord-10', () => {
    const filter = compileFilter({ from: 'coord-1' });
    assert.equal(matches(filter, signal({ senderId: 'coord-1' })), true);
    assert.equal(matches(filter, signal({ senderId: 'coord-10' })), false);
    assert.equal(matches(compileFilter({ from: 'coord-10' }), signal({ senderId: 'coord-1' })), false);
  });

  test('from as an array', () => {
    const filter = compileFilter({ from: ['validator-1', 'validator-2'] });
    assert.equal(matches(filter, signal({ senderId: 'validator-1' })), true);
    assert.equal(matches(filter, signal({ senderId: 'validator-2' })), true);
    assert.equal(matches(filter, signal({ senderId: 'validator-3' })), false);
  });

  test('iteration', () => {
    const filter = compileFilter({ iteration: 2 });
    assert.equal(matches(filter, signal({ iteration: 2 })), true);
    assert.equal(matches(filter, signal({ iteration: 3 })), false);
    assert.equal(matches(filter, signal({})), false, 'a signal without an iteration does not match an iteration filter');
  });

  test('iteration 0 is a real filter, not "any"', () => {
    const filter = compileFilter({ iteration: 0 });
    assert.equal(filter.iteration, 0);
    assert.equal(matches(filter, signal({ iteration: 0 })), true);
    assert.equal(matches(filter, signal({ iteration: 1 })), false);
    assert.equal(matches(filter, signal({})), false);
  });

  test('all criteria must hold together', () => {
    const filter = compileFilter({ types: ['completion'], from: ['coord-1'], iteration: 1 });
    assert.equal(matches(filter, signal({ type: 'completion', senderId: 'coord-1', iteration: 1 })), true);
    assert.equal(matches(filter, signal({ type: 'wake', senderId: 'coord-1', iteration: 1 })), false);
    assert.equal(matches(filter, signal({ type: 'completion', senderId: 'coord-2', iteration: 1 })), false);
    assert.equal(matches(filter, signal({ type: 'completion', senderId: 'coord-1', iteration: 2 })), false);
  });

  test('the compiled filter does not change when the caller mutates its arrays', () => {
    const types = ['completion'];
    const from = ['coord-1'];
    const filter = compileFilter({ types, from });
    types.push('wake');
    from.push('coord-3');
    assert.equal(matches(filter, signal({ type: 'wake', senderId: 'coord-1' })), false);
    assert.equal(matches(filter, signal({ type: 'completion', senderId: 'coord-3' })), false);
  });

  test('describe() reports the filter as lists', () => {
    assert.deepEqual(compileFilter({ types: 'wake', from: ['a', 'b'], iteration: 3 }).describe(), { types: ['wake'], from: ['a', 'b'], iteration: 3 });
    const empty = compileFilter({}).describe();
    assert.equal(empty.types, undefined);
    assert.equal(empty.from, undefined);
    assert.equal(empty.iteration, undefined);
  });
});

describe('compileFilter validation', () => {
  function assertInvalidId(filter: SignalFilter, kind: string): void {
    assert.throws(
      () => compileFilter(filter),
      (error: unknown) => {
        assert.ok(error instanceof InvalidIdError, `got ${String(error)}`);
        assert.equal(error.code, ERROR_CODES.INVALID_ID);
        assert.equal(error.context.kind, kind);
        return true;
      },
    );
  }

  for (const bad of ['', 'a:b', 'wake*', 'x'.repeat(65), 'with space', '{t}', 'coörd']) {
    test(`invalid type ${JSON.stringify(bad.length > 20 ? `${bad.slice(0, 5)}…` : bad)} → InvalidIdError`, () => {
      assertInvalidId({ types: bad }, 'signal type');
      assertInvalidId({ types: ['wake', bad] }, 'signal type');
    });
    test(`invalid sender ${JSON.stringify(bad.length > 20 ? `${bad.slice(0, 5)}…` : bad)} → InvalidIdError`, () => {
      assertInvalidId({ from: bad }, 'coordinator id');
      assertInvalidId({ from: ['coord-1', bad] }, 'coordinator id');
    });
  }

  test('non-string elements → InvalidIdError', () => {
    assertInvalidId({ types: [42 as unknown as string] }, 'signal type');
    assertInvalidId({ from: [null as unknown as string] }, 'coordinator id');
  });

  for (const iteration of [1.5, -1, Number.NaN, Number.POSITIVE_INFINITY, '1' as unknown as number, null as unknown as number]) {
    test(`iteration ${String(iteration)} → a RendezvousError`, () => {
      assert.throws(
        () => compileFilter({ iteration }),
        (error: unknown) => {
          assert.ok(error instanceof RendezvousError, `got ${String(error)}`);
          assert.match(error.code, /^RDV_ERR_/);
          assert.match(error.message, /iteration/);
          return true;
        },
      );
    });
  }

  // Plain-JS callers can pass anything: a non-list, or an empty list that could never match, is a typed error.
  test('non-string, non-array or empty types/from → InvalidSignalError', () => {
    for (const filter of [{ types: 42 }, { from: { id: 'coord-1' } }, { types: [] }, { from: [] }]) {
      assert.throws(() => compileFilter(filter as unknown as SignalFilter), (e: unknown) => e instanceof RendezvousError && e.code === 'RDV_ERR_INVALID_SIGNAL');
    }
  });
});
