import type { Logger } from '../protocol/logger.js';
import { logStoreFailure } from '../store/store-failure-log.js';
import type { StoreBreaker } from '../store/store-breaker.js';
import { pauseBeforeRetry } from './retry-pause.js';

/**
 * Runs tasks one after another in the order they were queued (an inbox's or an ACK feed's
 * pushes and catch-up reads), so what arrives is handled in arrival order. A task's failure
 * reaches its caller and is logged; it never stops the queue.
 */
export class WorkQueue {
  readonly #logger: Logger;
  /** What a failed task is, in the log: `inbox task failed`. */
  readonly #what: string;
  /** Aborted by the owner's stop signal or by stop(): retries end. */
  readonly #stopped = new AbortController();
  readonly #onStop = (): void => this.#stopped.abort();
  readonly #ownerStop: AbortSignal;
  /** The store's breaker: a catch-up retrying through an outage goes again as soon as it closes. */
  readonly #breaker: StoreBreaker | undefined;
  #tail: Promise<void> = Promise.resolve();
  #queued = 0;
  #catchUpQueued = false;

  constructor(logger: Logger, what: string, stop: AbortSignal, breaker?: StoreBreaker) {
    this.#logger = logger;
    this.#breaker = breaker;
    this.#what = what;
    this.#ownerStop = stop;
    if (stop.aborted) this.#stopped.abort();
    else stop.addEventListener('abort', this.#onStop, { once: true });
  }

  /** Ends retrying catch-ups now (the owner closes before its stop signal fires). */
  stop(): void {
    this.#ownerStop.removeEventListener('abort', this.#onStop);
    this.#stopped.abort();
  }

  /**
   * Runs `task` now when nothing is queued (the usual case for a push: no promise, no extra turn),
   * else after what is. Whatever it leaves to finish (a store call) holds back later tasks.
   */
  run(task: () => Promise<void> | undefined | void): void {
    if (this.#queued > 0) {
      void this.enqueue(async () => task());
      return;
    }
    let pending: Promise<void> | undefined | void;
    try {
      pending = task();
    } catch (error) {
      this.#logger.error({ err: error }, `${this.#what} task failed`);
    }
    if (pending) void this.enqueue(() => pending);
  }

  enqueue(task: () => Promise<void>): Promise<void> {
    this.#queued += 1;
    const run = this.#tail.then(task).finally(() => (this.#queued -= 1));
    this.#tail = run.catch((error: unknown) => this.#logger.error({ err: error }, `${this.#what} task failed`));
    return run;
  }

  /** A catch-up read after what is queued, retried with backoff until it succeeds or `stop` aborts; one queued at a time. */
  catchUp(read: () => Promise<void>): void {
    const stop = this.#stopped.signal;
    if (this.#catchUpQueued || stop.aborted) return;
    this.#catchUpQueued = true;
    void this.enqueue(async () => {
      this.#catchUpQueued = false;
      for (let failures = 1; !stop.aborted; failures += 1) {
        try {
          return await read();
        } catch (error) {
          logStoreFailure(this.#logger, { err: error, failures }, `${this.#what} catch-up read failed; retrying`);
          await pauseBeforeRetry(failures, stop, this.#breaker);
        }
      }
    });
  }

  /** Resolves when everything queued so far has run. */
  idle(): Promise<void> {
    return this.#tail;
  }
}
