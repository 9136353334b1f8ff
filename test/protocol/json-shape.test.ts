import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_JSON_CONTAINERS, MAX_JSON_DEPTH, normalizePayload } from '../../src/protocol/canonical-json.js';
import { InvalidPayloadError } from '../../src/protocol/errors.js';
import { jsonShapeProblem } from '../../src/protocol/json-shape.js';
import { Keyring } from '../../src/protocol/keyring.js';
import { isOverLimit } from '../../src/protocol/message-fields.js';
import { decodeSignal, encodeSignal } from '../../src/protocol/signal.js';
import { SECRET } from '../support/coordinators.js';

describe('what a body may cost a receiver, found before it is parsed', () => {
  test('the size limit counts UTF-8 bytes, not UTF-16 units', () => {
    assert.equal(isOverLimit('a'.repeat(100), 100), false);
    assert.equal(isOverLimit('a'.repeat(101), 100), true);
    assert.equal(isOverLimit('€'.repeat(33), 100), false, '99 bytes');
    assert.equal(isOverLimit('€'.repeat(34), 100), true, '102 bytes in 34 units');
    assert.equal(isOverLimit('😀'.repeat(25), 100), false, '100 bytes in 50 units');
    assert.equal(isOverLimit('😀'.repeat(26), 100), true);
  });

  test('depth and the count of arrays and objects; brackets inside strings do not count', () => {
    const nest = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
    assert.equal(jsonShapeProblem(`{"payload":${nest(MAX_JSON_DEPTH)}}`), undefined);
    assert.match(jsonShapeProblem(`{"payload":${nest(MAX_JSON_DEPTH + 1)}}`) ?? '', /nests deeper/);
    assert.equal(jsonShapeProblem(`{"payload":[${Array(MAX_JSON_CONTAINERS - 1).fill('{}').join(',')}]}`), undefined);
    assert.match(jsonShapeProblem(`{"payload":[${Array(MAX_JSON_CONTAINERS).fill('{}').join(',')}]}`) ?? '', /more than 10000 arrays and objects/);
    assert.equal(jsonShapeProblem(`{"payload":"${'['.repeat(5_000)}\\"${'{'.repeat(20_000)}"}`), undefined);
  });

  test('a sender cannot sign what receivers refuse', () => {
    assert.throws(() => normalizePayload(Array.from({ length: MAX_JSON_CONTAINERS + 1 }, () => ({}))), InvalidPayloadError);
  });

  test('a hostile 1 MB body of brackets is refused as malformed, unparsed', () => {
    const keyring = new Keyring(Buffer.from(SECRET));
    const { body } = encodeSignal({ senderId: 'a', receiverId: 'b', type: 'wake', timestamp: 1 }, keyring);
    const hostile = body.replace('"type"', `"payload":[${Array(300_000).fill('[[]]').join(',')}],"type"`);
    const decoded = decodeSignal(hostile, 1, { keyring, receiverId: 'b', replayWindowMs: 1_000, maxBodyBytes: 1_048_576 * 2 });
    assert.deepEqual(decoded.ok ? 'ok' : [decoded.reason, decoded.detail], ['malformed', 'signal body holds more than 10000 arrays and objects']);
  });
});
