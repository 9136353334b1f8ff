import { Cluster, type Redis } from 'ioredis';
import { RendezvousError, StoreClosedError, StoreCommandError, StoreUnavailableError } from '../../protocol/errors.js';

/** Redis replies that mean "try again later" (loading, failover, cluster moving); other replies are refusals. */
const TRANSIENT_REPLY = /^(LOADING|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|READONLY|NOREPLICAS|MOVED|ASK)\b/;

/** A reply error a retry will not fix, or data that could not be read. */
export function isRefusal(error: unknown): boolean {
  if (error instanceof SyntaxError) return true;
  return error instanceof Error && error.name === 'ReplyError' && !TRANSIENT_REPLY.test(error.message);
}

/** What an operation is allowed when the client sets no commandTimeout (ioredis waits forever by default). */
const FALLBACK_COMMAND_TIMEOUT_MS = 5_000;

/**
 * How long one store operation may take before it fails with StoreUnavailableError: twice the
 * client's commandTimeout (an operation may send a command, then one more). Bounds what
 * commandTimeout does not: a Cluster with every node down queues commands with no timer, and a
 * client handed in may have no commandTimeout at all.
 */
export function operationDeadlineMs(client: Redis | Cluster): number {
  const options = client instanceof Cluster ? client.options.redisOptions : client.options;
  const commandTimeout = options?.commandTimeout;
  return 2 * (commandTimeout !== undefined && commandTimeout > 0 ? commandTimeout : FALLBACK_COMMAND_TIMEOUT_MS);
}

/**
 * One operation under way, settled once: by its outcome, its deadline or close(). A class with two
 * bound handlers, not a closure per step: every send and ACK makes one.
 */
class InFlight<T> {
  readonly #deadlines: CallDeadlines;
  readonly #inFlight: Set<InFlight<unknown>>;
  readonly #operation: string;
  /** performance.now() ms past which it fails. */
  readonly endsAt: number;
  readonly limitMs: number;
  readonly #resolve: (value: T) => void;
  readonly #reject: (error: Error) => void;

  constructor(deadlines: CallDeadlines, inFlight: Set<InFlight<unknown>>, operation: string, limitMs: number, resolve: (value: T) => void, reject: (error: Error) => void) {
    this.#deadlines = deadlines;
    this.#inFlight = inFlight;
    this.#operation = operation;
    this.limitMs = limitMs;
    this.endsAt = performance.now() + limitMs;
    this.#resolve = resolve;
    this.#reject = reject;
    inFlight.add(this as InFlight<unknown>);
  }

  readonly answered = (value: T): void => {
    if (this.#inFlight.delete(this as InFlight<unknown>)) this.#resolve(value); // else the deadline or close() came first
  };

  readonly fail = (cause: unknown): void => {
    if (this.#inFlight.delete(this as InFlight<unknown>)) this.#reject(this.#deadlines.typedError(this.#operation, cause));
  };
}

/** The Redis adapter's operations under way, each with its deadline, and the typed errors they fail with. */
export class CallDeadlines {
  readonly #deadlineMs: number;
  /** Operations under way: the sweep fails those past their deadline, close() fails them all. */
  readonly #inFlight = new Set<InFlight<unknown>>();
  /**
   * One timer checks every operation's deadline: less work per call than a timer each. It runs
   * only while operations are in flight, so an idle process is not woken every second for it.
   */
  #sweep: NodeJS.Timeout | undefined;
  readonly #sweepMs: number;
  #closed = false;

  constructor(deadlineMs: number) {
    this.#deadlineMs = deadlineMs;
    this.#sweepMs = Math.min(1_000, deadlineMs / 4);
  }

  /**
   * Runs one operation, mapping failures to StoreUnavailableError (or StoreClosedError after
   * close). One still unsettled at its deadline fails (checked by the sweep, so up to a quarter of
   * the deadline late): its command may still be applied later, like any command that timed out.
   * `extraMs` lengthens the deadline for an operation that has a longer one of its own (a blocking
   * read, a subscribe), so that one ends it, cleanly.
   */
  call<T>(operation: string, run: () => Promise<T>, extraMs = 0): Promise<T> {
    if (this.#closed) return Promise.reject(new StoreClosedError(operation));
    const limitMs = this.#deadlineMs + extraMs;
    return new Promise<T>((resolve, reject) => {
      const inFlight = new InFlight<T>(this, this.#inFlight, operation, limitMs, resolve, reject);
      if (this.#sweep === undefined) this.#startSweep();
      let running: Promise<T>;
      try {
        running = run();
      } catch (error) {
        running = Promise.reject(error);
      }
      running.then(inFlight.answered, inFlight.fail);
    });
  }

  /** An operation's failure as the typed error its caller gets. */
  typedError(operation: string, error: unknown): Error {
    if (this.#closed) return new StoreClosedError(operation);
    if (error instanceof RendezvousError) return error;
    if (isRefusal(error)) return new StoreCommandError(operation, error);
    return new StoreUnavailableError(operation, error);
  }

  /** Fails every operation under way with StoreClosedError, and every later one. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#sweep);
    this.#sweep = undefined;
    for (const operation of this.#inFlight) operation.fail(new Error('store closed'));
  }

  #startSweep(): void {
    this.#sweep = setInterval(this.#failOverdue, this.#sweepMs);
    this.#sweep.unref();
  }

  /** Fails the operations past their deadline; stops the sweep once none is in flight (the next call starts it again). */
  readonly #failOverdue = (): void => {
    const now = performance.now();
    for (const operation of this.#inFlight) {
      if (operation.endsAt <= now) operation.fail(new Error(`no answer within ${operation.limitMs} ms`));
    }
    if (this.#inFlight.size === 0) {
      clearInterval(this.#sweep);
      this.#sweep = undefined;
    }
  };
}
