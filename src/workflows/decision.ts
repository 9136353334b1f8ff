/**
 * Loop 4's decision from a round's answers: pure, so the owner, a restarted owner and the tests
 * reach the same decision from the same answers.
 */
import { InvalidConfigError } from '../protocol/errors.js';

export type Decision = 'PROCEED' | 'DEFER' | 'ESCALATE';

/** One validator's answer, as the round counts it. */
export interface ValidatorAnswer<D = unknown> {
  /** The validator the request was sent to. */
  validatorId: string;
  /** Who answered: the validator, or the replacement the supervisor started for it. */
  answeredBy: string;
  confidence: number;
  recommendations: string[];
  details?: D;
  /** The request's messageId. */
  messageId: string;
  /** Store-clock ms when the answer was signed. */
  answeredAt: number;
}

export type MissingReason = 'no_answer' | 'failed' | 'invalid_answer' | 'not_sent';

/** A validator whose answer does not count in this round, and why. */
export interface MissingValidator {
  validatorId: string;
  reason: MissingReason;
  /** The validator's error, what was wrong with its answer, or why the request was refused. */
  detail?: string;
  /** The request's messageId, when it was sent. */
  messageId?: string;
}

/** From the counted answers to one number compared with the threshold. Default: the mean confidence. */
export type ConsensusFunction = (answers: readonly ValidatorAnswer[]) => number;

/** ESCALATE when any validator is missing at the timeout, or decide on the answers of at least `quorum` validators. */
export type MissingPolicy = 'escalate' | { quorum: number };

export interface DecisionInput {
  validators: readonly string[];
  answers: readonly ValidatorAnswer[];
  missing: readonly MissingValidator[];
  threshold: number;
  consensus: ConsensusFunction;
  onMissing: MissingPolicy;
}

export interface DecisionOutcome {
  decision: Decision;
  /** The consensus value, or null when too few answered to compute one. */
  consensus: number | null;
  /** Every answer's recommendations once, in order of first mention (validators in the order given). */
  recommendations: string[];
  reasoning: string;
}

/** The mean of the confidences, unrounded: the decision compares it as it is (0.8995 is below 0.9). */
export const meanConfidence: ConsensusFunction = (answers) => answers.reduce((total, answer) => total + answer.confidence, 0) / answers.length;

export function decide(input: DecisionInput): DecisionOutcome {
  const { answers, missing, validators, threshold } = input;
  const recommendations = [...new Set(answers.flatMap((answer) => answer.recommendations))];
  const counted = `${answers.length} of ${validators.length} validators answered`;
  if (missing.length > 0) {
    const quorum = input.onMissing === 'escalate' ? undefined : input.onMissing.quorum;
    if (quorum === undefined || answers.length < quorum || answers.length === 0) {
      const rule = quorum === undefined ? 'every answer is required' : `the quorum is ${quorum}`;
      return { decision: 'ESCALATE', consensus: null, recommendations, reasoning: `ESCALATE: ${counted} (${rule}); missing ${describeMissing(missing)}` };
    }
  }
  const value = input.consensus(answers);
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidConfigError(`the consensus function returned ${String(value)}; it must return a finite number`, { value });
  }
  const decision = value >= threshold ? 'PROCEED' : 'DEFER';
  const comparison = decision === 'PROCEED' ? '>=' : '<';
  const quorumNote = missing.length > 0 ? `, quorum met; missing ${describeMissing(missing)}` : '';
  return { decision, consensus: value, recommendations, reasoning: `${decision}: consensus ${shown(value, threshold)} ${comparison} ${threshold} (${counted}${quorumNote})` };
}

/** The value with 3 decimals, or as many more as it takes not to look equal to the threshold when it is not. */
function shown(value: number, threshold: number): string {
  for (let digits = 3; digits < 12; digits += 1) {
    const rounded = Number(value.toFixed(digits));
    if (value === threshold || rounded !== threshold) return String(rounded);
  }
  return String(value);
}

function describeMissing(missing: readonly MissingValidator[]): string {
  return missing.map((m) => `${m.validatorId} (${m.reason === 'no_answer' ? 'no answer' : m.reason.replace('_', ' ')})`).join(', ');
}
