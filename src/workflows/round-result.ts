import type { Decision, MissingValidator, ValidatorAnswer } from './decision.js';

/** What one consensus round (Loop 2) decided (Loop 4), and from what. */
export interface RoundResult<D = unknown> {
  roundId: string;
  iteration: number;
  decision: Decision;
  /** The consensus value compared with the threshold; null when too few answered to compute one (ESCALATE). */
  consensus: number | null;
  threshold: number;
  /** The answers that count, in the order the validators were given. */
  answers: ValidatorAnswer<D>[];
  /** Validators whose answer does not count, and why, in the order given. */
  missing: MissingValidator[];
  /** Every counted answer's recommendations once, in order of first mention. */
  recommendations: string[];
  /** One line: the decision and why (`PROCEED: consensus 0.917 >= 0.9 (3 of 3 validators answered)`). */
  reasoning: string;
  /** Validators this owner had asked before (a restarted owner resuming the round): their requests were not sent again. */
  resumed: string[];
  /** Monotonic ms from the first send to the decision. */
  durationMs: number;
}
