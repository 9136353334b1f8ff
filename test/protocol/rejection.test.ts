import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkReplayWindow, rejected } from '../../src/protocol/rejection.js';

const T = 1_700_000_000_000;

describe('checkReplayWindow', () => {
  test('same time is accepted', () => {
    assert.equal(checkReplayWindow(T, T, 1000), undefined);
  });

  test('stored exactly at the window after signing is accepted, one ms beyond is rejected', () => {
    assert.equal(checkReplayWindow(T, T + 1000, 1000), undefined);
    const reason = checkReplayWindow(T, T + 1001, 1000);
    assert.equal(typeof reason, 'string');
    assert.match(reason as string, /1001 ms after/);
    assert.match(reason as string, /window 1000 ms/);
  });

  test('signed exactly at the window in the future is accepted, one ms beyond is rejected', () => {
    assert.equal(checkReplayWindow(T + 1000, T, 1000), undefined);
    const reason = checkReplayWindow(T + 1001, T, 1000);
    assert.equal(typeof reason, 'string');
    assert.match(reason as string, /1001 ms in the future/);
  });

  test('with the 5-minute default window', () => {
    assert.equal(checkReplayWindow(T, T + 300_000, 300_000), undefined);
    assert.notEqual(checkReplayWindow(T, T + 300_001, 300_000), undefined);
  });

  test('a zero window accepts only the same millisecond', () => {
    assert.equal(checkReplayWindow(T, T, 0), undefined);
    assert.notEqual(checkReplayWindow(T, T + 1, 0), undefined);
    assert.notEqual(checkReplayWindow(T + 1, T, 0), undefined);
  });
});

describe('rejected', () => {
  test('builds a rejection with and without a messageId', () => {
    assert.deepEqual(rejected('malformed', 'why'), { ok: false, reason: 'malformed', detail: 'why' });
    assert.deepEqual(rejected('bad_signature', 'why', 'a:b:1'), { ok: false, reason: 'bad_signature', detail: 'why', messageId: 'a:b:1' });
    assert.equal('messageId' in rejected('unsigned', 'x'), false);
  });
});
