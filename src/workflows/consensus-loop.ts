/**
 * The CFN Loop driver: implement (Loop 3), validate (Loop 2), decide (Loop 4), for up to
 * maxIterations iterations. PROCEED ends it; DEFER starts the next iteration with the validators'
 * feedback; ESCALATE, or maxIterations without consensus, ends it escalated.
 */
import { InvalidConfigError } from '../protocol/errors.js';
import type { RoundOptions, RoundRequest } from './round-options.js';
import { assertRoundId } from './round-protocol.js';
import type { RoundResult } from './round-result.js';

export const DEFAULT_MAX_ITERATIONS = 5;

/** What the implement step gets: the iteration, and the previous round when it deferred. */
export interface ImplementContext {
  loopId: string;
  iteration: number;
  /** The previous round's merged recommendations: what to do better (empty in the first iteration). */
  feedback: string[];
  /** The previous round, when this iteration follows a DEFER. */
  previous?: RoundResult;
  /** The loop's signal, when it was given one: long work should stop at its abort. */
  signal?: AbortSignal;
}

export interface LoopRequest<T = unknown> extends RoundOptions {
  /** Names the loop; each iteration's round is `loopId` with that iteration (id rule, at most 48 characters). */
  loopId: string;
  validators: readonly string[];
  /** Produces what the validators validate in this iteration (the round's task). */
  implement: (context: ImplementContext) => T | Promise<T>;
  /** Default 5. */
  maxIterations?: number;
  /** The validators' swarm, when it is not the owner's. */
  swarmId?: string;
  /** Ends the loop with AbortedError: between steps, or in the round under way (see RoundRequest.signal). */
  signal?: AbortSignal;
}

export type LoopEnd = 'consensus' | 'escalated' | 'max_iterations';

export interface LoopResult {
  loopId: string;
  decision: 'PROCEED' | 'ESCALATE';
  /** consensus: a round decided PROCEED; escalated: a round decided ESCALATE; max_iterations: every round deferred. */
  endedBy: LoopEnd;
  /** Every round, in order. */
  rounds: RoundResult[];
  reasoning: string;
}

export interface LoopDriver {
  runRound(round: RoundRequest): Promise<RoundResult>;
  onIteration(event: { loopId: string; iteration: number; feedback: string[]; validators: string[] }): void;
  onEnded(result: LoopResult): void;
  /** The error the loop ends with when its signal aborts. */
  aborted(reason: unknown): Error;
}

export async function runConsensusLoop<T>(request: LoopRequest<T>, driver: LoopDriver): Promise<LoopResult> {
  assertRoundId(request.loopId);
  const maxIterations = request.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  if (!Number.isSafeInteger(maxIterations) || maxIterations < 1) throw new InvalidConfigError(`maxIterations must be a positive integer, got ${String(maxIterations)}`, { maxIterations });
  if (typeof request.implement !== 'function') throw new InvalidConfigError('implement must be a function');
  const { loopId, implement, maxIterations: _max, ...roundOptions } = request;
  const rounds: RoundResult[] = [];
  let previous: RoundResult | undefined;
  let validators = [...request.validators];
  const { signal } = request;
  for (let iteration = 1; iteration <= maxIterations; iteration += 1) {
    if (signal?.aborted) throw driver.aborted(signal.reason);
    const feedback = previous?.recommendations ?? [];
    driver.onIteration({ loopId, iteration, feedback, validators });
    const context: ImplementContext = { loopId, iteration, feedback };
    if (previous) context.previous = previous;
    if (signal) context.signal = signal;
    const task = await implement(context);
    if (signal?.aborted) throw driver.aborted(signal.reason);
    const round = await driver.runRound({ ...roundOptions, validators, roundId: loopId, iteration, task });
    validators = followReplacements(validators, round);
    rounds.push(round);
    if (round.decision !== 'DEFER') {
      const result: LoopResult = {
        loopId,
        decision: round.decision,
        endedBy: round.decision === 'PROCEED' ? 'consensus' : 'escalated',
        rounds,
        reasoning: `iteration ${iteration}: ${round.reasoning}`,
      };
      driver.onEnded(result);
      return result;
    }
    previous = round;
  }
  const result: LoopResult = {
    loopId,
    decision: 'ESCALATE',
    endedBy: 'max_iterations',
    rounds,
    reasoning: `ESCALATE: no consensus in ${maxIterations} iterations (last: ${previous?.reasoning ?? 'none'})`,
  };
  driver.onEnded(result);
  return result;
}

/**
 * A validator that a replacement answered for is dead: escalation moved what its inbox held, but
 * nothing reads that inbox any more, so the next iterations ask the replacement.
 */
function followReplacements(validators: readonly string[], round: RoundResult): string[] {
  const replacedBy = new Map(round.answers.filter((a) => a.answeredBy !== a.validatorId).map((a) => [a.validatorId, a.answeredBy]));
  return validators.map((id) => replacedBy.get(id) ?? id);
}
