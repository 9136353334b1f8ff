/**
 * The product owner's side of the CFN Loop: one call runs a consensus round (Loop 2) and returns
 * its decision (Loop 4); runLoop drives implement, validate, decide until PROCEED or ESCALATE.
 */
import { EventEmitter } from 'node:events';
import { ExponentialBackoff, handleWhen, retry, type RetryPolicy } from 'cockatiel';
import { senderOfMessage, stampOfMessage } from '../core/ack-wait.js';
import type { AckWaitOptions, BlockingCoordinator } from '../core/coordinator.js';
import type { SendOptions, SendResult } from '../core/outbox.js';
import { emitSafely } from '../core/safe-emit.js';
import { AbortedError, InboxFullError, isRetryable, RateLimitedError, RendezvousError, RoundTakenError } from '../protocol/errors.js';
import type { Logger } from '../protocol/logger.js';
import { defaultLogger } from '../store/default-logger.js';
import { runConsensusLoop, type LoopRequest, type LoopResult } from './consensus-loop.js';
import { decide, type MissingValidator, type ValidatorAnswer } from './decision.js';
import type { ProductOwnerEvents } from './events.js';
import { checkRoundOptions, resolveRound, type ResolvedRound, type RoundOptions, type RoundRequest } from './round-options.js';
import { readAnswer, REQUEST_TYPE, type RoundRequestPayload } from './round-protocol.js';
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
      aborted: (reason) => this.#aborted(reason),
    });
  }

  async #run<T, D>(round: ResolvedRound<T>): Promise<RoundResult<D>> {
    const { signal } = round;
    if (signal?.aborted) throw this.#aborted(signal.reason);
    const started = performance.now();
    const deadline = started + round.timeoutMs;
    const payload: RoundRequestPayload<T> = { round: round.roundId, task: round.task, deadline: this.coordinator.storeNow() + round.timeoutMs };
    // One options object for every request of the round (they differ only in the receiver).
    const options: SendOptions<RoundRequestPayload<T>> = { iteration: round.iteration, payload, idempotencyKey: round.idempotencyKey };
    if (round.swarmId) options.swarmId = round.swarmId;
    const sent = await Promise.all(round.validators.map((validatorId) => this.#ask(round, validatorId, options, deadline)));
    // Aborted while sending: what was sent stays (running the round again resumes it), no waiting.
    if (signal?.aborted) throw this.#aborted(signal.reason);
    const resumed: string[] = [];
    for (const s of sent) if ('duplicate' in s && s.duplicate) resumed.push(s.validatorId);
    if (resumed.length > 0) this.#noteResume(round, sent);
    if (this.listenerCount('round:started') > 0) {
      this.#emit('round:started', { ownerId: this.coordinator.id, roundId: round.roundId, iteration: round.iteration, validators: round.validators, resumed });
    }

    let result: RoundResult<D>;
    try {
      const outcomes = await Promise.all(sent.map((s) => ('refused' in s ? s.refused : this.#collect<T, D>(round, s.validatorId, s.messageId, deadline))));
      const answers: ValidatorAnswer<D>[] = [];
      const missing: MissingValidator[] = [];
      for (const outcome of outcomes) {
        if ('answeredBy' in outcome) answers.push(outcome);
        else missing.push(outcome);
      }
      const { decision, consensus, recommendations, reasoning } = decide({ validators: round.validators, answers, missing, threshold: round.threshold, consensus: round.consensus, onMissing: round.onMissing });
      result = { roundId: round.roundId, iteration: round.iteration, decision, consensus, recommendations, reasoning, threshold: round.threshold, answers, missing, resumed, durationMs: performance.now() - started };
    } catch (error) {
      // The coordinator stopped, the caller aborted, or the consensus function broke: no decision.
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
  async #ask<T>(round: ResolvedRound<T>, validatorId: string, options: SendOptions<RoundRequestPayload<T>>, deadline: number): Promise<Sent> {
    let result: SendResult;
    try {
      // The retry policy only once a send failed in a way that may pass: the first try goes straight.
      result = await this.coordinator.sendSignal(validatorId, REQUEST_TYPE, options);
    } catch (error) {
      if (!(error instanceof RendezvousError && isRetryable(error.code))) throw error;
      const retried = await this.#sendAgain(validatorId, options, error, deadline, round.signal);
      if ('refused' in retried) return { validatorId, refused: retried.refused };
      result = retried;
    }
    const { messageId, isDuplicate } = result;
    const firstOwner = senderOfMessage(messageId);
    if (isDuplicate && firstOwner !== this.coordinator.id && firstOwner !== this.coordinator.replaces) {
      throw new RoundTakenError(round.roundId, round.iteration, validatorId, firstOwner);
    }
    return { validatorId, messageId, duplicate: isDuplicate };
  }

  /**
   * Sends a refused request again (cockatiel's retry) until it is taken or the round's deadline.
   * Still refused then: a full inbox or a rate limit leaves that validator out; anything else (the
   * store down, a task too big) ends the call, and running it again resumes.
   */
  async #sendAgain<T>(validatorId: string, options: SendOptions<RoundRequestPayload<T>>, firstFailure: unknown, deadline: number, cancel: AbortSignal | undefined): Promise<SendResult | { refused: MissingValidator }> {
    let lastFailure = firstFailure;
    const sendsEnd = new AbortController();
    const end = () => sendsEnd.abort();
    const timer = setTimeout(end, Math.max(1, deadline - performance.now()));
    cancel?.addEventListener('abort', end, { once: true });
    try {
      return await this.#sendRetry.execute(
        () =>
          this.coordinator.sendSignal(validatorId, REQUEST_TYPE, options).catch((error: unknown) => {
            lastFailure = error;
            throw error;
          }),
        sendsEnd.signal,
      );
    } catch (error) {
      if (cancel?.aborted) throw this.#aborted(cancel.reason);
      // Cancelled at the deadline: the last failure says why it was still refused.
      const failure = sendsEnd.signal.aborted ? lastFailure : error;
      if (!(failure instanceof InboxFullError || failure instanceof RateLimitedError)) throw failure;
      return { refused: { validatorId, reason: 'not_sent', detail: failure.message } };
    } finally {
      clearTimeout(timer);
      cancel?.removeEventListener('abort', end);
    }
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
    const waitOptions: AckWaitOptions = { timeoutMs };
    if (round.swarmId) waitOptions.swarmId = round.swarmId;
    if (round.signal) waitOptions.signal = round.signal;
    const acks = await this.coordinator.waitForAcks([validatorId], messageId, waitOptions);
    const ack = acks.get(validatorId);
    if (!ack) return { validatorId, reason: 'no_answer', messageId };
    const read = readAnswer<D>(ack);
    let judged: ValidatorAnswer<D> | MissingValidator;
    if ('verdict' in read) {
      const { confidence, recommendations, details } = read.verdict;
      judged = { validatorId, answeredBy: ack.coordinatorId, confidence, recommendations, messageId, answeredAt: ack.timestamp };
      if (details !== undefined) judged.details = details;
    } else {
      judged = { validatorId, reason: read.reason, detail: read.detail, messageId };
    }
    if (this.listenerCount('round:answer') > 0) {
      this.#emit('round:answer', { ownerId: this.coordinator.id, roundId: round.roundId, iteration: round.iteration, ...('answeredBy' in judged ? { answer: judged } : { refused: judged }) });
    }
    return judged;
  }

  /** What a round or a loop ends with when its caller's signal aborts. */
  #aborted(reason: unknown): AbortedError {
    return new AbortedError(this.coordinator.id, reason);
  }

  #emit<E extends keyof ProductOwnerEvents>(event: E, ...args: ProductOwnerEvents[E]): void {
    if (this.listenerCount(event) === 0) return; // nobody listens: no closure, no argument list
    emitSafely(this.#logger, event, () => Reflect.apply(this.emit, this, [event, ...args]));
  }
}
