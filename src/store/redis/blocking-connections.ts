import { Cluster } from 'ioredis';
import type { Logger } from '../../protocol/logger.js';
import { logConnectionErrors } from './connection-errors.js';
import type { RedisClient } from './lua-script.js';

/**
 * Idle connections kept for reuse. Opening one costs a TCP connect and a ready check, far more
 * than a read: a process whose readers block concurrently keeps as many as they use.
 */
const MAX_IDLE = 1_024;
/** A blocking read that has not answered this long after its block time is given up (a dead socket). */
const DEADLINE_GRACE_MS = 2_000;

/**
 * Connections for blocking reads (a blocked connection can carry nothing else): the election's
 * followers on their events stream, and readers of a swarm's event log. Coordinators' waits use
 * none (their signals and ACKs are pushed: push-hub.ts). A read borrows one and returns it. An
 * aborted read destroys its connection, the only way to end a blocked command on every topology.
 */
export class BlockingConnections {
  readonly #base: RedisClient;
  readonly #logger: Logger;
  readonly #idle: RedisClient[] = [];
  readonly #busy = new Set<RedisClient>();
  /** Disconnect each connection once: ioredis arms a 2 s timer on every disconnect() of a closed stream. */
  readonly #dropped = new WeakSet<RedisClient>();
  #closed = false;

  constructor(base: RedisClient, logger: Logger) {
    this.#base = base;
    this.#logger = logger;
  }

  /**
   * Runs one blocking read on a borrowed connection. An abort ends it at once with `onAbort`; a
   * read still unanswered DEADLINE_GRACE_MS after `blockMs` fails (its connection is dropped).
   */
  async use<T>(read: (connection: RedisClient) => Promise<T>, blockMs: number, signal: AbortSignal | undefined, onAbort: T): Promise<T> {
    if (signal?.aborted) return onAbort;
    const connection = this.#idle.pop() ?? this.#open();
    this.#busy.add(connection);
    let reusable = true;
    let overdue = false;
    const abort = () => {
      reusable = false;
      this.#drop(connection);
    };
    const deadline = setTimeout(() => {
      overdue = true;
      abort();
    }, blockMs + DEADLINE_GRACE_MS);
    signal?.addEventListener('abort', abort, { once: true });
    try {
      return await read(connection);
    } catch (error) {
      if (overdue) throw new Error(`blocking read unanswered ${blockMs + DEADLINE_GRACE_MS} ms after it began`, { cause: error });
      if (!reusable || this.#closed) return onAbort;
      reusable = false; // a connection that failed a read is not trusted again
      throw error;
    } finally {
      clearTimeout(deadline);
      signal?.removeEventListener('abort', abort);
      this.#busy.delete(connection);
      if (reusable && !this.#closed && this.#idle.length < MAX_IDLE) this.#idle.push(connection);
      else this.#drop(connection);
    }
  }

  close(): void {
    this.#closed = true;
    for (const connection of [...this.#idle, ...this.#busy]) this.#drop(connection);
    this.#idle.length = 0;
  }

  #open(): RedisClient {
    // Blocking reads may wait longer than the command timeout: their deadline is the one above.
    const base = this.#base;
    const connection =
      base instanceof Cluster
        ? base.duplicate(undefined, { redisOptions: { ...base.options.redisOptions, commandTimeout: undefined } })
        : base.duplicate({ commandTimeout: undefined });
    logConnectionErrors(connection, this.#logger, 'blocking-read');
    return connection;
  }

  #drop(connection: RedisClient): void {
    if (this.#dropped.has(connection)) return;
    this.#dropped.add(connection);
    connection.disconnect();
  }
}
