import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHeartbeat, type Heartbeat } from '../../src/protocol/heartbeat.js';

const beat: Heartbeat = {
  coordinatorId: 'coord-1',
  swarmId: 'swarm-a',
  timestamp: 1_700_000_000_000,
  iteration: 2,
  phase: 'loop3',
  status: 'active',
  sequence: 17,
  waitingFor: ['coord-2'],
};

describe('parseHeartbeat', () => {
  test('round-trips the one heartbeat format', () => {
    assert.deepEqual(parseHeartbeat(JSON.stringify(beat)), beat);
    for (const status of ['active', 'waiting', 'stopping'] as const) {
      assert.deepEqual(parseHeartbeat(JSON.stringify({ ...beat, status })), { ...beat, status });
    }
  });

  test('reads a heartbeat written before waitingFor existed as waiting for no one', () => {
    const { waitingFor: _w, ...older } = beat;
    assert.deepEqual(parseHeartbeat(JSON.stringify(older)), { ...beat, waitingFor: [] });
  });

  test('rejects other formats (the seeds had three) and malformed bodies', () => {
    const bad = [
      '',
      '{',
      'null',
      '1700000000000', // a bare timestamp
      JSON.stringify({ timestamp: 1700000000000, status: 'alive' }),
      JSON.stringify({ ...beat, status: 'alive' }),
      JSON.stringify({ ...beat, timestamp: '1700000000000' }),
      JSON.stringify({ ...beat, sequence: undefined }),
      JSON.stringify({ ...beat, coordinatorId: 1 }),
    ];
    for (const body of bad) assert.equal(parseHeartbeat(body), undefined, body);
  });

  test('drops unknown fields', () => {
    const parsed = parseHeartbeat(JSON.stringify({ ...beat, extra: 'x' }));
    assert.ok(parsed);
    assert.equal('extra' in parsed, false);
  });
});
