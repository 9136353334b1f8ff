/** Loop 4's decision from a round's answers (pure): thresholds, quorums, the reasoning line. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidConfigError } from '../../src/protocol/errors.js';
import { decide, meanConfidence, type MissingValidator, type ValidatorAnswer } from '../../src/workflows/decision.js';

const answer = (validatorId: string, confidence: number, recommendations: string[] = []): ValidatorAnswer => ({
  validatorId,
  answeredBy: validatorId,
  confidence,
  recommendations,
  messageId: `owner:validate:1`,
  answeredAt: 1,
});
const base = { threshold: 0.9, consensus: meanConfidence, onMissing: 'escalate' as const };

test('the mean is compared unrounded: 0.89995 defers, and the reasoning shows enough digits to say why', () => {
  const outcome = decide({ ...base, validators: ['a', 'b'], answers: [answer('a', 0.8999), answer('b', 0.9)], missing: [] });
  assert.equal(outcome.decision, 'DEFER');
  assert.equal(outcome.consensus, (0.8999 + 0.9) / 2);
  assert.equal(outcome.reasoning, 'DEFER: consensus 0.89995 < 0.9 (2 of 2 validators answered)', 'not "0.9 < 0.9"');
  const met = decide({ ...base, validators: ['a', 'b', 'c'], answers: [answer('a', 0.95), answer('b', 0.92), answer('c', 0.88)], missing: [] });
  assert.equal(met.reasoning, 'PROCEED: consensus 0.917 >= 0.9 (3 of 3 validators answered)');
});

test('recommendations are merged once each, in order of first mention', () => {
  const outcome = decide({ ...base, validators: ['a', 'b'], answers: [answer('a', 1, ['x', 'y']), answer('b', 1, ['y', 'z', 'x'])], missing: [] });
  assert.deepEqual(outcome.recommendations, ['x', 'y', 'z']);
});

test('a quorum counts answers only: a failed validator is missing, and too few answers escalate', () => {
  const failed: MissingValidator = { validatorId: 'c', reason: 'failed', detail: 'crashed' };
  const two = decide({ ...base, onMissing: { quorum: 2 }, validators: ['a', 'b', 'c'], answers: [answer('a', 0.9), answer('b', 1)], missing: [failed] });
  assert.deepEqual([two.decision, two.consensus], ['PROCEED', 0.95]);
  assert.match(two.reasoning, /quorum met; missing c \(failed\)\)$/);
  const short = decide({ ...base, onMissing: { quorum: 3 }, validators: ['a', 'b', 'c'], answers: [answer('a', 0.9), answer('b', 1)], missing: [failed] });
  assert.deepEqual([short.decision, short.consensus], ['ESCALATE', null]);
  assert.match(short.reasoning, /^ESCALATE: 2 of 3 validators answered \(the quorum is 3\); missing c \(failed\)$/);
  const none = decide({ ...base, onMissing: { quorum: 1 }, validators: ['a'], answers: [], missing: [{ validatorId: 'a', reason: 'no_answer' }] });
  assert.equal(none.decision, 'ESCALATE');
});

test('a consensus function that returns no finite number is a typed error', () => {
  for (const value of [Number.NaN, Number.POSITIVE_INFINITY, '0.9' as unknown as number]) {
    assert.throws(() => decide({ ...base, consensus: () => value, validators: ['a'], answers: [answer('a', 1)], missing: [] }), InvalidConfigError);
  }
});
