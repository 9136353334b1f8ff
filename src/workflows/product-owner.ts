/**
 * The product owner's side of the CFN Loop: one call runs a consensus round (Loop 2) and returns
 * its decision (Loop 4); runLoop drives implement, validate, decide until PROCEED or ESCALATE.
 */
import { EventEmitter } from 'node:events';
import { ExponentialBackoff, handleWhen, retry, type RetryPolicy } from 'cockatiel';
import { senderOfMessage, stampOfMessage } from '../core/ack-wait.js';
import type { BlockingCoordinator } from '../core/coordinator.js';
import { emitSafely } from '../core/safe-emit.js';
import { InboxFullError, isRetryable, RateLimitedError, RendezvousError, RoundTakenError } from '../protocol/errors.js';
import type { Logger } from '../protocol/logger.js';
import { defaultLogger } from '../store/default-logger.js';
import { runConsensusLoop, type LoopRequest, type LoopResult } from './consensus-loop.js';
import { decide, type MissingValidator, type ValidatorAnswer } from './decision.js';
import type { ProductOwnerEvents, RoundAnswerEvent } from './events.js';
import { checkRoundOptions, resolveRound, type ResolvedRound, type RoundOptions, type RoundRequest } from './round-options.js';
import { readAnswer, REQUEST_TYPE, requestKey, type RoundRequestPayload } from './round-protocol.js';
import type { RoundResult } from './round-result.js';

/** What a product owner uses of its coordinator. */
export type OwnerCoordinator = Pick<BlockingCoordinator, 'id' | 'swarmId' | 'replaces' | 'config' | 'sendSignal' | 'waitForAcks' | 'setProgress' | 'storeNow'>;

export interface ProductOwnerOptions extends RoundOptions {
  /** Default: the library's (pino JSON on stderr). */
  logger?: Logger;
}

/** A request the round sent (or had sent before a restart), or why it could not send it. */
type Sent = { validatorId: string; messageId: string; duplicate: boolean } | { validatorId: string; refused: MissingValidator };

/** Longest pause between two tries of a request the store could not take. */
const MAX_SEND_RETRY_DELAY_MS = 2_000;

export class ProductOwner extends EventEmitter<ProductOwnerEvents> {
  readonly coordinator: OwnerCoordinator;
  readonly #defaults: RoundOptions;
  readonly #logger: Logger;
  /** Sends a request again while the failure may pass (the store down, a rate limit, a full inbox), until the round's deadline. */
  readonly #sendRetry: RetryPolicy;

  /** `coordinator` must be started; `options` are the defaults of every round this owner runs. */
  constructor(coordinator: OwnerCoordinator, options: ProductOwnerOptions = {}) {
    super();
    const { logger, ...defaults } = options;
    checkRoundOptions(defaults);
    this.coordinator = coordinator;
    this.#defaults = defaults;
    this.#logger = (logger ?? defaultLogger()).child({ component: 'product-owner', ownerId: coordinator.id });
    this.#sendRetry = retry(handleWhen((error) => error instanceof RendezvousError && isRetryable(error.code)), {
      maxAttempts: Number.MAX_SAFE_INTEGER,
      backoff: new ExponentialBackoff({ initialDelay: 20, maxDelay: MAX_SEND_RETRY_DELAY_MS }),
    });
  }

  /**
   * Sends the task to every validator, waits for every answer (or the timeout), and decides.
   * Running the same roundId and iteration again (after a crash) resumes the round: validators
   * already asked are not asked again, and answers already given are read from the store.
   */
  async runRound<T = unknown, D = unknown>(request: RoundRequest<T>): Promise<RoundResult<D>> {
    const round = resolveRound(request, this.#defaults, this.coordinator.config.blockingTimeoutMs);
    this.coordinator.setProgress({ iteration: round.iteration, phase: 'consensus-round' });
    try {
      return await this.#run<T, D>(round);
    } finally {
      this.coordinator.setProgress({ phase: 'idle' });
    }
  }

  /** Runs implement, validate, decide for up to `maxIterations` iterations; see docs/workflows.md. */
  runLoop<T = unknown>(request: LoopRequest<T>): Promise<LoopResult> {
    return runConsensusLoop(request, {
      runRound: (round) => this.runRound(round),
      onIteration: (event) => this.#emit('loop:iteration', { ownerId: this.coordinator.id, ...event }),
      onEnded: (result) => this.#emit('loop:ended', result),
    });
  }

  async #run<T, D>(round: ResolvedRound<T>): Promise<RoundResult<D>> {
    const started = performance.now();
    const deadline = started + round.timeoutMs;
    const payload: RoundRequestPayload<T> = { round: round.roundId, task: round.task, deadline: this.coordinator.storeNow() + round.timeoutMs };
    // Ends the retries of sends still refused at the round's timeout (a timer only while sending).
    const sendsEnd = new AbortController();
    const sendTimer = setTimeout(() => sendsEnd.abort(), round.timeoutMs);
    let sent: Sent[];
    try {
      sent = await Promise.all(round.validators.map((validatorId) => this.#ask(round, validatorId, payload, sendsEnd.signal)));
    } finally {
      clearTimeout(sendTimer);
    }
    const resumed = sent.flatMap((s) => ('duplicate' in s && s.duplicate ? [s.validatorId] : []));
    if (resumed.length > 0) this.#noteResume(round, sent);
    this.#emit('round:started', { ownerId: this.coordinator.id, roundId: round.roundId, iteration: round.iteration, validators: round.validators, resumed });

    let result: RoundResult<D>;
    try {
      const outcomes = await Promise.all(sent.map((s) => ('refused' in s ? s.refused : this.#collect<T, D>(round, s.validatorId, s.messageId, deadline))));
      const answers = outcomes.filter((o): o is ValidatorAnswer<D> => 'answeredBy' in o);
      const missing = outcomes.filter((o): o is MissingValidator => 'reason' in o);
      const outcome = decide({ ...round, answers, missing });
      result = { roundId: round.roundId, iteration: round.iteration, ...outcome, threshold: round.threshold, answers, missing, resumed, durationMs: performance.now() - started };
    } catch (error) {
      // The coordinator stopped, or the consensus function broke: no decision.
      this.#emit('round:failed', { ownerId: this.coordinator.id, roundId: round.roundId, iteration: round.iteration, error });
      throw error;
    }
    if (result.missing.length > 0) {
      this.#logger.warn({ roundId: round.roundId, iteration: round.iteration, missing: result.missing, decision: result.decision }, 'consensus round ended without every answer');
    }
    this.#emit('round:ended', result);
    return result;
  }

  /** Sends one validator its request, retrying what may pass until the round's deadline; a duplicate must be this owner's own. */
  async #ask<T>(round: ResolvedRound<T>, validatorId: string, payload: RoundRequestPayload<T>, sendsEnd: AbortSignal): Promise<Sent> {
    const options = { iteration: round.iteration, payload, idempotencyKey: requestKey(round.roundId, round.iteration), ...(round.swarmId ? { swarmId: round.swarmId } : {}) };
    let result: Awaited<ReturnType<OwnerCoordinator['sendSignal']>>;
    let lastFailure: unknown;
    const send = () =>
      this.coordinator.sendSignal(validatorId, REQUEST_TYPE, options).catch((error: unknown) => {
        lastFailure = error;
        throw error;
      });
    try {
      // The retry policy only once a send failed in a way that may pass: the first try goes straight.
      result = await send().catch((error: unknown) => {
        if (!(error instanceof RendezvousError && isRetryable(error.code))) throw error;
        return this.#sendRetry.execute(send, sendsEnd);
      });
    } catch (error) {
      // Still refused at the deadline (the retry was cancelled then: its last failure says why). A
      // full inbox or a rate limit leaves that validator out; anything else (the store down, a
      // task too big) ends the call, and running it again resumes.
      const failure = sendsEnd.aborted && lastFailure !== undefined ? lastFailure : error;
      if (!(failure instanceof InboxFullError || failure instanceof RateLimitedError)) throw failure;
      return { validatorId, refused: { validatorId, reason: 'not_sent', detail: failure.message } };
    }
    const { messageId, isDuplicate } = result;
    const firstOwner = senderOfMessage(messageId);
    if (isDuplicate && firstOwner !== this.coordinator.id && firstOwner !== this.coordinator.replaces) {
      throw new RoundTakenError(round.roundId, round.iteration, validatorId, firstOwner);
    }
    return { validatorId, messageId, duplicate: isDuplicate };
  }

  /** A resumed round whose first requests are older than an ACK lives finds the answers given then gone: say so once. */
  #noteResume<T>(round: ResolvedRound<T>, sent: readonly Sent[]): void {
    const sentAt = sent.flatMap((s) => ('messageId' in s ? [stampOfMessage(s.messageId)] : []));
    const ageMs = this.coordinator.storeNow() - Math.min(...sentAt);
    const fields = { roundId: round.roundId, iteration: round.iteration, firstSentMsAgo: ageMs };
    if (ageMs > this.coordinator.config.ackTtlMs) this.#logger.warn({ ...fields, ackTtlMs: this.coordinator.config.ackTtlMs }, 'resuming a round older than ackTtlMs: answers given then have expired and count as missing');
    else this.#logger.info(fields, 'resuming a consensus round: validators asked before are not asked again');
  }

  /** Waits for one validator's answer until the round's deadline, and judges it. */
  async #collect<T, D>(round: ResolvedRound<T>, validatorId: string, messageId: string, deadline: number): Promise<ValidatorAnswer<D> | MissingValidator> {
    const timeoutMs = Math.max(1, Math.ceil(deadline - performance.now()));
    const acks = await this.coordinator.waitForAcks([validatorId], messageId, { timeoutMs, ...(round.swarmId ? { swarmId: round.swarmId } : {}) });
    const ack = acks.get(validatorId);
    if (!ack) return { validatorId, reason: 'no_answer', messageId };
    const read = readAnswer<D>(ack);
    const judged: ValidatorAnswer<D> | MissingValidator =
      'verdict' in read ? { validatorId, answeredBy: ack.coordinatorId, ...read.verdict, messageId, answeredAt: ack.timestamp } : { validatorId, reason: read.reason, detail: read.detail, messageId };
    const event: RoundAnswerEvent = { ownerId: this.coordinator.id, roundId: round.roundId, iteration: round.iteration, ...('answeredBy' in judged ? { answer: judged } : { refused: judged }) };
    this.#emit('round:answer', event);
    return judged;
  }

  #emit<E extends keyof ProductOwnerEvents>(event: E, ...args: ProductOwnerEvents[E]): void {
    if (this.listenerCount(event) === 0) return; // nobody listens: no closure, no argument list
    emitSafely(this.#logger, event, () => Reflect.apply(this.emit, this, [event, ...args]));
  }
}
