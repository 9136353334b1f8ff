/**
 * The product owner's side of the CFN Loop: one call runs a consensus round (Loop 2) and returns
 * its decision (Loop 4); runLoop drives implement, validate, decide until PROCEED or ESCALATE.
 */
import { EventEmitter } from 'node:events';
import type { BlockingCoordinator } from '../core/coordinator.js';
import { emitSafely } from '../core/safe-emit.js';
import type { Ack } from '../protocol/ack.js';
import { InboxFullError, RateLimitedError } from '../protocol/errors.js';
import type { Logger } from '../protocol/logger.js';
import { defaultLogger } from '../store/default-logger.js';
import { runConsensusLoop, type LoopRequest, type LoopResult } from './consensus-loop.js';
import { decide, type MissingValidator, type ValidatorAnswer } from './decision.js';
import type { ProductOwnerEvents, RoundAnswerEvent } from './events.js';
import { checkRoundDefaults, resolveRound, type ResolvedRound, type RoundOptions, type RoundRequest } from './round-options.js';
import { ANSWER_STATUS, parseFailure, REQUEST_TYPE, requestKey, verdictProblem, type RoundRequestPayload, type Verdict } from './round-protocol.js';
import type { RoundResult } from './round-result.js';

/** What a product owner uses of its coordinator. */
export type OwnerCoordinator = Pick<BlockingCoordinator, 'id' | 'swarmId' | 'config' | 'sendSignal' | 'waitForAcks' | 'setProgress'>;

export interface ProductOwnerOptions extends RoundOptions {
  /** Default: the library's (pino JSON on stderr). */
  logger?: Logger;
}

/** A request the round sent (or had sent before a restart), or why it could not send it. */
type Sent = { validatorId: string; messageId: string; duplicate: boolean } | { validatorId: string; refused: MissingValidator };

export class ProductOwner extends EventEmitter<ProductOwnerEvents> {
  readonly coordinator: OwnerCoordinator;
  readonly #defaults: RoundOptions;
  readonly #logger: Logger;

  /** `coordinator` must be started; `options` are the defaults of every round this owner runs. */
  constructor(coordinator: OwnerCoordinator, options: ProductOwnerOptions = {}) {
    super();
    const { logger, ...defaults } = options;
    checkRoundDefaults(defaults);
    this.coordinator = coordinator;
    this.#defaults = defaults;
    this.#logger = (logger ?? defaultLogger()).child({ component: 'product-owner', ownerId: coordinator.id });
  }

  /**
   * Sends the task to every validator, waits for every answer (or the timeout), and decides.
   * Running the same roundId and iteration again (after a crash) resumes the round: validators
   * already asked are not asked again, and answers already given are read from the store.
   */
  async runRound<T = unknown, D = unknown>(request: RoundRequest<T>): Promise<RoundResult<D>> {
    const round = resolveRound(request, this.#defaults, this.coordinator.config.blockingTimeoutMs);
    const started = performance.now();
    this.coordinator.setProgress({ iteration: round.iteration, phase: 'consensus-round' });
    try {
      return await this.#run<T, D>(round, started);
    } finally {
      this.coordinator.setProgress({ phase: 'idle' });
    }
  }

  async #run<T, D>(round: ResolvedRound<T>, started: number): Promise<RoundResult<D>> {
    const deadline = started + round.timeoutMs;
    const sent = await Promise.all(round.validators.map((validatorId) => this.#ask(round, validatorId)));
    const resumed = sent.flatMap((s) => ('duplicate' in s && s.duplicate ? [s.validatorId] : []));
    this.#emit('round:started', { ownerId: this.coordinator.id, roundId: round.roundId, iteration: round.iteration, validators: round.validators, resumed });

    let result: RoundResult<D>;
    try {
      const outcomes = await Promise.all(sent.map((s) => ('refused' in s ? s.refused : this.#collect<T, D>(round, s.validatorId, s.messageId, deadline))));
      const answers = outcomes.filter((o): o is ValidatorAnswer<D> => 'answeredBy' in o);
      const missing = outcomes.filter((o): o is MissingValidator => 'reason' in o);
      const outcome = decide({ ...round, answers, missing });
      result = { roundId: round.roundId, iteration: round.iteration, ...outcome, threshold: round.threshold, answers, missing, resumed, durationMs: performance.now() - started };
    } catch (error) {
      // The coordinator stopped, the store failed, or the consensus function broke: no decision.
      this.#emit('round:failed', { ownerId: this.coordinator.id, roundId: round.roundId, iteration: round.iteration, error });
      throw error;
    }
    const { missing } = result;
    if (missing.length > 0) this.#logger.warn({ roundId: round.roundId, iteration: round.iteration, missing, decision: result.decision }, 'consensus round ended without every answer');
    this.#emit('round:ended', result);
    return result;
  }

  /** Runs implement, validate, decide for up to `maxIterations` iterations; see docs/workflows.md. */
  runLoop<T = unknown>(request: LoopRequest<T>): Promise<LoopResult> {
    return runConsensusLoop(request, {
      runRound: (round) => this.runRound(round),
      onIteration: (event) => this.#emit('loop:iteration', { ownerId: this.coordinator.id, ...event }),
      onEnded: (result) => this.#emit('loop:ended', result),
    });
  }

  async #ask<T>(round: ResolvedRound<T>, validatorId: string): Promise<Sent> {
    const payload: RoundRequestPayload<T> = { round: round.roundId, task: round.task };
    try {
      const { messageId, isDuplicate } = await this.coordinator.sendSignal(validatorId, REQUEST_TYPE, {
        iteration: round.iteration,
        payload,
        idempotencyKey: requestKey(round.roundId, round.iteration),
        ...(round.swarmId ? { swarmId: round.swarmId } : {}),
      });
      return { validatorId, messageId, duplicate: isDuplicate };
    } catch (error) {
      // A full inbox or a rate limit refuses one validator's request: the round goes on without it.
      // Anything else (the store down, a task too big) ends the call; running it again resumes.
      if (!(error instanceof InboxFullError || error instanceof RateLimitedError)) throw error;
      return { validatorId, refused: { validatorId, reason: 'not_sent', detail: error.message } };
    }
  }

  /** Waits for one validator's answer until the round's deadline, and judges it. */
  async #collect<T, D>(round: ResolvedRound<T>, validatorId: string, messageId: string, deadline: number): Promise<ValidatorAnswer<D> | MissingValidator> {
    const timeoutMs = Math.max(1, Math.ceil(deadline - performance.now()));
    const acks = await this.coordinator.waitForAcks([validatorId], messageId, { timeoutMs, ...(round.swarmId ? { swarmId: round.swarmId } : {}) });
    const ack = acks.get(validatorId);
    if (!ack) return { validatorId, reason: 'no_answer', messageId };
    const judged = judge<D>(validatorId, messageId, ack);
    const event: RoundAnswerEvent = { ownerId: this.coordinator.id, roundId: round.roundId, iteration: round.iteration, ...('answeredBy' in judged ? { answer: judged } : { refused: judged }) };
    this.#emit('round:answer', event);
    return judged;
  }

  #emit<E extends keyof ProductOwnerEvents>(event: E, ...args: ProductOwnerEvents[E]): void {
    emitSafely(this.#logger, event, () => Reflect.apply(this.emit, this, [event, ...args]));
  }
}

/** A verified ACK as an answer: a verdict that counts, a failure, or something that is not a verdict. */
function judge<D>(validatorId: string, messageId: string, ack: Ack): ValidatorAnswer<D> | MissingValidator {
  if (ack.status === ANSWER_STATUS.failed) return { validatorId, reason: 'failed', detail: parseFailure(ack.result), messageId };
  const problem = ack.status === ANSWER_STATUS.validated ? verdictProblem(ack.result) : `status "${ack.status}" is not a verdict (expected "${ANSWER_STATUS.validated}" with a result)`;
  if (problem !== undefined) return { validatorId, reason: 'invalid_answer', detail: problem, messageId };
  const verdict = ack.result as Verdict<D>;
  return {
    validatorId,
    answeredBy: ack.coordinatorId,
    confidence: verdict.confidence,
    recommendations: verdict.recommendations ?? [],
    ...(verdict.details === undefined ? {} : { details: verdict.details }),
    messageId,
    answeredAt: ack.timestamp,
  };
}
