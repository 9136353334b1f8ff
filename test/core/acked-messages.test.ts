import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AckedMessages } from '../../src/core/acked-messages.js';

const START = 1_800_000_000_000;
const WINDOW = 300_000;

describe('AckedMessages', () => {
  test('answers only for signals stamped after its start (plus a margin); the store answers for older ones', () => {
    const acked = new AckedMessages(WINDOW);
    assert.equal(acked.wasAcknowledged('a:wake:1', START + 5_000), undefined, 'nothing known before startAt');
    acked.startAt(START);
    assert.equal(acked.wasAcknowledged('a:wake:1', START - 1), undefined);
    assert.equal(acked.wasAcknowledged('a:wake:1', START + 500), undefined, 'an earlier instance may have acknowledged it');
    assert.equal(acked.wasAcknowledged('a:wake:2', START + 5_000), false);
    acked.remember('a:wake:2', START + 5_000, START + 5_001);
    assert.equal(acked.wasAcknowledged('a:wake:2', START + 5_000), true);
  });

  test('forgets entries older than the replay window (a replay of them fails the window check)', () => {
    const acked = new AckedMessages(WINDOW);
    acked.startAt(START);
    acked.remember('a:wake:old', START + 2_000, START + 2_000);
    acked.remember('a:wake:new', START + WINDOW + 10_000, START + WINDOW + 10_000);
    assert.equal(acked.wasAcknowledged('a:wake:old', START + 2_000), false, 'forgotten');
    assert.equal(acked.wasAcknowledged('a:wake:new', START + WINDOW + 10_000), true);
  });

  test('beyond 50,000 entries it forgets the oldest and hands their time range back to the store', () => {
    const acked = new AckedMessages(WINDOW);
    acked.startAt(START);
    for (let i = 0; i < 50_001; i++) acked.remember(`a:wake:${i}`, START + 2_000 + i, START + 2_000 + i);
    assert.equal(acked.wasAcknowledged('a:wake:0', START + 2_000), undefined, 'the oldest is asked of the store');
    assert.equal(acked.wasAcknowledged('a:wake:50000', START + 52_000), true);
  });

  test('an id remembered twice holds one place: it goes first once 50,000 newer ones came, and the rest stay', () => {
    const acked = new AckedMessages(WINDOW);
    acked.startAt(START);
    acked.remember('a:wake:first', START + 2_000, START + 2_000);
    acked.remember('a:wake:first', START + 2_000, START + 2_001); // an ACK retried
    for (let i = 0; i < 50_000; i++) acked.remember(`a:wake:${i}`, START + 3_000 + i, START + 3_000 + i);
    assert.equal(acked.wasAcknowledged('a:wake:first', START + 2_000), undefined, 'the oldest went first; the store answers for it');
    assert.equal(acked.wasAcknowledged('a:wake:0', START + 3_000), true, 'one forgotten for one remembered: the next oldest stays');
    assert.equal(acked.wasAcknowledged('a:wake:49999', START + 52_999), true);
  });
});
