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
export const DEADLINE_GRACE_MS = 2_000;
const GAVE_UP = Symbol('gave up');

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
  /** Borrowed connections, each with the way to end its read. */
  readonly #busy = new Map<RedisClient, () => void>();
  /** Disconnect each connection once: ioredis arms a 2 s timer on every disconnect() of a closed stream. */
  readonly #dropped = new WeakSet<RedisClient>();
  #closed = false;

  constructor(base: RedisClient, logger: Logger) {
    this.#base = base;
    this.#logger = logger;
  }

  /**
   * Runs one blocking read on a borrowed connection. An abort (or close()) ends it at once with
   * `onAbort`; a read still unanswered DEADLINE_GRACE_MS after `blockMs` fails. Either way the
   * connection is dropped and the read is not awaited: ioredis never settles a command queued on a
   * connection that is disconnect()ed while it waits to reconnect.
   */
  async use<T>(read: (connection: RedisClient) => Promise<T>, blockMs: number, signal: AbortSignal | undefined, onAbort: T): Promise<T> {
    if (signal?.aborted || this.#closed) return onAbort;
    const connection = this.#idle.pop() ?? this.#open();
    let givenUp: 'aborted' | 'overdue' | undefined;
    let giveUp!: (why: 'aborted' | 'overdue') => void;
    const gaveUp = new Promise<typeof GAVE_UP>((resolve) => {
      giveUp = (why) => {
        givenUp ??= why;
        resolve(GAVE_UP);
      };
    });
    const abort = () => giveUp('aborted');
    this.#busy.set(connection, abort);
    const deadline = setTimeout(() => giveUp('overdue'), blockMs + DEADLINE_GRACE_MS);
    signal?.addEventListener('abort', abort, { once: true });
    const reading = read(connection);
    reading.catch(() => undefined); // it may still fail after it was given up
    try {
      const result = await Promise.race([reading, gaveUp]);
      if (result !== GAVE_UP) return result;
      if (givenUp === 'overdue') throw new Error(`blocking read unanswered ${blockMs + DEADLINE_GRACE_MS} ms after it began`);
      return onAbort;
    } catch (error) {
      if (givenUp === 'aborted' || this.#closed) return onAbort;
      givenUp ??= 'overdue'; // a connection that failed a read is not trusted again
      throw error;
    } finally {
      clearTimeout(deadline);
      signal?.removeEventListener('abort', abort);
      this.#busy.delete(connection);
      if (givenUp === undefined && !this.#closed && this.#idle.length < MAX_IDLE) this.#idle.push(connection);
      else this.#drop(connection);
    }
  }

  close(): void {
    this.#closed = true;
    for (const end of this.#busy.values()) end();
    for (const connection of [...this.#idle, ...this.#busy.keys()]) this.#drop(connection);
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
