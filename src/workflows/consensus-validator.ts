/**
 * The validator's side of a consensus round: serves round requests one at a time, runs the
 * application's handler on each, and answers in the signed ACK of the request (round-protocol.ts).
 * The request stays in the inbox until the answer is stored, so a validator killed while working
 * hands it to its replacement (or to its next instance), which answers under the same id.
 */
import { EventEmitter } from 'node:events';
import { ExponentialBackoff, handleWhen, retry, type RetryPolicy } from 'cockatiel';
import type { BlockingCoordinator } from '../core/coordinator.js';
import { emitSafely } from '../core/safe-emit.js';
import { ThrottledLog } from '../protocol/throttled-log.js';
import { AbortedError, CoordinatorStoppedError, ERROR_CODES, InvalidConfigError, isRetryable, RendezvousError, SignalTimeoutError } from '../protocol/errors.js';
import type { Logger } from '../protocol/logger.js';
import type { Signal } from '../protocol/signal.js';
import { defaultLogger } from '../store/default-logger.js';
import type { ConsensusValidatorEvents, RequestAnsweredEvent, RequestEvent } from './events.js';
import { ANSWER_STATUS, errorText, parseRequestPayload, REQUEST_TYPE, verdictProblem, type RoundRequestPayload, type Verdict } from './round-protocol.js';
import { MAX_TIMEOUT_MS } from '../protocol/options.js';

/** Logged for each failed try to store an answer. */
const RETRYING = 'storing an answer failed (the store is unavailable); retrying';

/** What a validator uses of its coordinator. */
export type ValidatorCoordinator = Pick<BlockingCoordinator, 'id' | 'blockUntilSignal' | 'acknowledge' | 'storeNow'>;

/** One round request, as the handler gets it. */
export interface ValidationRequest<T = unknown> {
  roundId: string;
  iteration: number;
  task: T;
  /** The product owner that asked. */
  ownerId: string;
  messageId: string;
  /**
   * Aborted by stop() (the request is then left unanswered, for the next instance) and at the
   * round's deadline (the owner no longer waits: answered `failed`, expired).
   */
  signal: AbortSignal;
}

export type ValidationHandler<T = unknown, D = unknown> = (request: ValidationRequest<T>) => Verdict<D> | Promise<Verdict<D>>;

export interface ConsensusValidatorOptions {
  logger?: Logger;
}

/** Longest wait between two store retries of an answer. */
const MAX_ANSWER_RETRY_DELAY_MS = 5_000;

export class ConsensusValidator<T = unknown, D = unknown> extends EventEmitter<ConsensusValidatorEvents> {
  readonly coordinator: ValidatorCoordinator;
  readonly #handler: ValidationHandler<T, D>;
  readonly #logger: Logger;
  readonly #refusals: ThrottledLog;
  readonly #stop = new AbortController();
  /** Stores an answer, retrying while the store is unavailable, until stop(). */
  readonly #answerRetry: RetryPolicy;
  #serving: Promise<void> | undefined;
  #served = 0;

  /** `coordinator` must be started; `handler` validates one task and returns the verdict. */
  constructor(coordinator: ValidatorCoordinator, handler: ValidationHandler<T, D>, options: ConsensusValidatorOptions = {}) {
    super();
    if (typeof handler !== 'function') throw new InvalidConfigError('a ConsensusValidator needs a handler function');
    this.coordinator = coordinator;
    this.#handler = handler;
    this.#logger = (options.logger ?? defaultLogger()).child({ component: 'consensus-validator', validatorId: coordinator.id });
    this.#refusals = new ThrottledLog(this.#logger, 'warn');
    this.#answerRetry = retry(
      handleWhen((error) => error instanceof RendezvousError && isRetryable(error.code)),
      { maxAttempts: Number.MAX_SAFE_INTEGER, backoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: MAX_ANSWER_RETRY_DELAY_MS }) },
    );
    this.#answerRetry.onRetry(({ delay }) => this.#logger.warn({ delayMs: delay }, RETRYING));
  }

  /** Requests answered so far (validated or failed). */
  get served(): number {
    return this.#served;
  }

  /** Starts serving; resolves at once. Idempotent. `done` resolves when serving ends. */
  start(): void {
    if (this.#stop.signal.aborted) throw new InvalidConfigError('this ConsensusValidator was stopped; create a new one');
    this.#serving ??= this.#serve();
  }

  /** Resolves when serving has ended (after stop(), or once the coordinator stopped). */
  get done(): Promise<void> {
    return this.#serving ?? Promise.resolve();
  }

  /** Stops serving: the wait ends, a handler in progress is aborted (its request is not answered and stays in the inbox). */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.done;
  }

  async #serve(): Promise<void> {
    try {
      while (!this.#stop.signal.aborted) {
        let request: Signal;
        try {
          // The longest timeout there is: at it, the serving loop simply waits again.
          request = await this.coordinator.blockUntilSignal({ types: REQUEST_TYPE, timeoutMs: MAX_TIMEOUT_MS, signal: this.#stop.signal });
        } catch (error) {
          if (error instanceof SignalTimeoutError) continue;
          // Aborted by stop(), or the coordinator stopped: the end of serving. Anything else (a
          // coordinator never started) ends it too, and says so.
          if (!this.#stop.signal.aborted && !(error instanceof CoordinatorStoppedError || error instanceof AbortedError)) {
            this.#logger.error({ err: error }, 'consensus validator stopped serving');
          }
          return;
        }
        try {
          await this.#answer(request);
        } catch (error) {
          // #answer handles what it expects; a surprise must not end serving silently.
          this.#logger.error({ err: error, messageId: request.messageId }, 'answering a round request failed; the request stays in the inbox');
        }
      }
    } finally {
      emitSafely(this.#logger, 'stopped', () => this.emit('stopped'));
    }
  }

  async #answer(signal: Signal): Promise<void> {
    const iteration = signal.iteration ?? 0;
    const payload = parseRequestPayload(signal.payload);
    if (!payload) {
      const detail = 'not a round request: a validate signal carries {"round": <round id>, "task": <task>}';
      const base = { validatorId: this.coordinator.id, iteration, ownerId: signal.senderId, messageId: signal.messageId };
      this.#refusals.note('not-a-round', { ...base }, `${detail}; answered failed`);
      emitSafely(this.#logger, 'request:refused', () => this.emit('request:refused', { ...base, detail }));
      await this.#store(signal, ANSWER_STATUS.failed, { error: detail });
      return;
    }
    if (this.listenerCount('request:received') > 0) {
      const event = this.#requestEvent(signal, payload.round, iteration);
      emitSafely(this.#logger, 'request:received', () => this.emit('request:received', event));
    }
    const started = performance.now();
    const { verdict, failure: handlerFailure } = await this.#run(payload, signal, iteration);
    if (this.#stop.signal.aborted) return; // stopped while it worked: the request stays for the next instance
    let failure = handlerFailure;
    let stored = failure === undefined ? await this.#store(signal, ANSWER_STATUS.validated, verdict) : false;
    if (typeof stored === 'string') failure = `the handler's verdict cannot be carried by an ACK: ${stored}`;
    if (failure !== undefined) stored = await this.#store(signal, ANSWER_STATUS.failed, { error: failure });
    if (stored !== true) return;
    this.#served += 1;
    if (failure !== undefined) this.#logger.warn({ roundId: payload.round, iteration, ownerId: signal.senderId, error: failure }, 'validation failed; answered failed');
    if (this.listenerCount('request:answered') > 0) {
      const answered: RequestAnsweredEvent = { ...this.#requestEvent(signal, payload.round, iteration), status: failure === undefined ? ANSWER_STATUS.validated : ANSWER_STATUS.failed, durationMs: performance.now() - started };
      if (failure === undefined) answered.confidence = verdict?.confidence;
      else answered.error = failure;
      emitSafely(this.#logger, 'request:answered', () => this.emit('request:answered', answered));
    }
  }

  #requestEvent(signal: Signal, roundId: string, iteration: number): RequestEvent {
    return { validatorId: this.coordinator.id, roundId, iteration, ownerId: signal.senderId, messageId: signal.messageId };
  }

  /**
   * Runs the handler until it settles, the round's deadline passes (the owner no longer waits) or
   * stop() (then the caller leaves the request unanswered, without waiting for a handler that
   * ignores its signal). A request already past its deadline is not run.
   */
  async #run(payload: RoundRequestPayload, signal: Signal, iteration: number): Promise<{ verdict?: Verdict<D>; failure?: string }> {
    const leftMs = payload.deadline === undefined ? undefined : payload.deadline - this.coordinator.storeNow();
    if (leftMs !== undefined && leftMs <= 0) return { failure: `expired: round ${payload.round} ended ${-leftMs} ms before this validator took the request` };
    const stop = this.#stop.signal;
    // The request's AbortSignal is made only when the handler reads it (most quick checks never do).
    let abort: AbortController | undefined;
    let ended = false;
    const request: ValidationRequest<T> = {
      roundId: payload.round,
      iteration,
      task: payload.task as T,
      ownerId: signal.senderId,
      messageId: signal.messageId,
      get signal(): AbortSignal {
        abort ??= new AbortController();
        if (ended || stop.aborted) abort.abort();
        return abort.signal;
      },
    };
    let returned: Verdict<D> | PromiseLike<Verdict<D>>;
    try {
      returned = this.#handler(request);
    } catch (error) {
      return { failure: errorText(error) };
    }
    // A handler that answered at once needs no race (the common case of a quick check).
    if (!isPromiseLike(returned)) return judgeVerdict(returned);
    // Ends at stop() or at the deadline. Not AbortSignal.any: on Node 20 each one stays tied to
    // the long-lived stop signal, one per request.
    let onEnd!: () => void;
    const endedAt = new Promise<'ended'>((resolve) => {
      onEnd = () => {
        ended = true;
        abort?.abort();
        resolve('ended');
      };
    });
    stop.addEventListener('abort', onEnd, { once: true });
    const timer = leftMs === undefined ? undefined : setTimeout(onEnd, Math.min(leftMs, MAX_TIMEOUT_MS));
    try {
      const handled = Promise.resolve(returned).then(judgeVerdict, (error: unknown) => ({ failure: errorText(error) }));
      const outcome = await Promise.race([handled, endedAt]);
      if (outcome !== 'ended') return outcome;
      return { failure: `expired: round ${payload.round} ended before the handler returned` };
    } finally {
      clearTimeout(timer);
      stop.removeEventListener('abort', onEnd);
    }
  }

  /** Acknowledges with the answer, retrying while the store is unavailable; false when stopped first or it failed, the reason when the verdict is refused (not JSON, or over maxSignalBytes). */
  async #store(signal: Signal, status: string, result: unknown): Promise<boolean | string> {
    try {
      try {
        await this.coordinator.acknowledge(signal, { status, result });
      } catch (error) {
        // The retry policy only once storing failed in a way that may pass: the first try goes straight, as the owner's sends do.
        if (!(error instanceof RendezvousError && isRetryable(error.code)) || this.#stop.signal.aborted) throw error;
        this.#logger.warn({ delayMs: 0 }, RETRYING); // every failed try is said, the first one too
        await this.#answerRetry.execute(() => this.coordinator.acknowledge(signal, { status, result }), this.#stop.signal);
      }
      return true;
    } catch (error) {
      if (this.#stop.signal.aborted) return false;
      if (error instanceof RendezvousError && error.code === ERROR_CODES.INVALID_PAYLOAD && status === ANSWER_STATUS.validated) return errorText(error);
      if (error instanceof CoordinatorStoppedError) {
        this.#logger.info({ messageId: signal.messageId }, 'the coordinator stopped before the answer was stored; its next instance gets the request again');
        return false;
      }
      // Not retryable: the request stays in the inbox, for the next instance of this coordinator.
      this.#logger.error({ err: error, messageId: signal.messageId }, 'could not store the answer; the request stays in the inbox');
      return false;
    }
  }
}

function isPromiseLike<V>(value: V | PromiseLike<V>): value is PromiseLike<V> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

function judgeVerdict<D>(verdict: Verdict<D>): { verdict?: Verdict<D>; failure?: string } {
  const problem = verdictProblem(verdict);
  return problem === undefined ? { verdict } : { failure: `the handler's verdict is invalid: ${problem}` };
}
