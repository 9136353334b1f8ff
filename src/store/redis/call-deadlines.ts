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

interface InFlight {
  /** performance.now() ms past which it fails. */
  endsAt: number;
  limitMs: number;
  fail(cause: Error): void;
}

/** The Redis adapter's operations under way, each with its deadline, and the typed errors they fail with. */
export class CallDeadlines {
  readonly #deadlineMs: number;
  /** Operations under way: the sweep fails those past their deadline, close() fails them all. */
  readonly #inFlight = new Set<InFlight>();
  /** One timer checks every operation's deadline: less work per call than a timer each. */
  readonly #sweep: NodeJS.Timeout;
  #closed = false;

  constructor(deadlineMs: number) {
    this.#deadlineMs = deadlineMs;
    this.#sweep = setInterval(() => this.#failOverdue(), Math.min(1_000, deadlineMs / 4));
    this.#sweep.unref();
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
      const inFlight: InFlight = {
        endsAt: performance.now() + limitMs,
        fail: (cause) => settle(() => reject(this.typedError(operation, cause))),
        limitMs,
      };
      const settle = (then: () => void): void => {
        if (!this.#inFlight.delete(inFlight)) return; // settled already: the deadline or close() came first
        then();
      };
      this.#inFlight.add(inFlight);
      let running: Promise<T>;
      try {
        running = run();
      } catch (error) {
        running = Promise.reject(error);
      }
      running.then(
        (value) => settle(() => resolve(value)),
        (error: unknown) => settle(() => reject(this.typedError(operation, error))),
      );
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
    for (const operation of this.#inFlight) operation.fail(new Error('store closed'));
  }

  #failOverdue(): void {
    const now = performance.now();
    for (const operation of this.#inFlight) {
      if (operation.endsAt <= now) operation.fail(new Error(`no answer within ${operation.limitMs} ms`));
    }
  }
}
