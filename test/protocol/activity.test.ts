import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeActivity, encodeActivity, parseActivity, type Activity } from '../../src/protocol/activity.js';
import { InvalidIdError, InvalidPayloadError } from '../../src/protocol/errors.js';

const activity: Activity = { coordinatorId: 'coord-1', swarmId: 'swarm-1', iteration: 2, phase: 'loop-3-implementation', waitingFor: ['coord-2'], timestamp: 1_700_000_000_000 };

test('an activity record round-trips through encode and parse', () => {
  assert.deepEqual(parseActivity(encodeActivity(activity)), activity);
  assert.deepEqual(decodeActivity(encodeActivity(activity)), activity);
  const { waitingFor: _, ...withoutWaits } = activity;
  assert.deepEqual(parseActivity(JSON.stringify(withoutWaits))?.waitingFor, [], 'waitingFor defaults to none');
});

test('encoding checks ids first (InvalidIdError), then the other fields (InvalidPayloadError)', () => {
  assert.throws(() => encodeActivity({ ...activity, coordinatorId: 'coord:1' }), InvalidIdError);
  assert.throws(() => encodeActivity({ ...activity, swarmId: '' }), InvalidIdError);
  assert.throws(() => encodeActivity({ ...activity, waitingFor: ['a*'] }), InvalidIdError);
  assert.throws(() => encodeActivity({ ...activity, iteration: -1 }), InvalidPayloadError);
  assert.throws(() => encodeActivity({ ...activity, timestamp: Number.NaN }), InvalidPayloadError);
});

test('a stored record that is not a valid activity reads as none; decoding one to store it rejects', () => {
  for (const body of [null, '', 'not json', '{}', JSON.stringify({ ...activity, coordinatorId: 'coord-10*' }), JSON.stringify({ ...activity, waitingFor: ['x{y}'] }), JSON.stringify({ ...activity, timestamp: '1' })]) {
    assert.equal(parseActivity(body), undefined, String(body));
  }
  assert.throws(() => decodeActivity('{"timestamp":1}'), InvalidPayloadError);
  assert.throws(() => decodeActivity('not json'), InvalidPayloadError);
});
