import { Cluster, type Redis } from 'ioredis';
import { RendezvousError, StoreClosedError, StoreCommandError, StoreUnavailableError } from '../../protocol/errors.js';
import type { Logger } from '../../protocol/logger.js';
import { entryTime } from '../entry-id.js';
import type { BlockingRead, StreamEntry } from '../port.js';
import { defaultLogger } from '../default-logger.js';
import { BlockingConnections, DEADLINE_GRACE_MS } from './blocking-connections.js';
import { PushHub } from './push-hub.js';
import type { RedisClient } from './lua-script.js';

type RawEntry = [id: string, fields: string[] | null];
export type RawStreams = [key: string, entries: RawEntry[]][] | null;

/** Turns XREAD/XREADGROUP replies into entries; the body is the entry's one field value. */
export function toEntries(reply: RawStreams): StreamEntry[] {
  const entries = reply?.[0]?.[1] ?? [];
  return entries.map(([id, fields]) => ({ id, time: entryTime(id), body: fields?.[1] ?? null }));
}

/** Redis replies that mean "try again later" (loading, failover, cluster moving); other replies are refusals. */
const TRANSIENT_REPLY = /^(LOADING|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|READONLY|NOREPLICAS|MOVED|ASK)\b/;

/** A reply error a retry will not fix, or data that could not be read. */
function isRefusal(error: unknown): boolean {
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

export interface RedisStoreOptions {
  /** Whether close() quits the client (true when createStore made it). */
  ownsClient: boolean;
  inboxTtlMs?: number;
  logger?: Logger;
}

/** The Redis connections of the adapter and its error mapping; the operations live in subclasses. */
export class RedisBase {
  readonly client: RedisClient;
  protected readonly blocking: BlockingConnections;
  protected readonly pushes: PushHub;
  readonly #ownsClient: boolean;
  readonly #deadlineMs: number;
  /** Operations under way: the sweep fails those past their deadline, close() fails them all. */
  readonly #inFlight = new Set<InFlight>();
  /** One timer checks every operation's deadline: less work per call than a timer each. */
  readonly #sweep: NodeJS.Timeout;
  #closed = false;

  constructor(client: Redis | Cluster, options: RedisStoreOptions) {
    const logger = options.logger ?? defaultLogger();
    this.client = client;
    this.#ownsClient = options.ownsClient;
    this.#deadlineMs = operationDeadlineMs(client);
    this.#sweep = setInterval(() => this.#failOverdue(), Math.min(1_000, this.#deadlineMs / 4));
    this.#sweep.unref();
    this.blocking = new BlockingConnections(client, logger);
    this.pushes = new PushHub(client, logger);
  }

  onConnectionChange(listener: (connected: boolean) => void): () => void {
    const down = () => listener(false);
    const up = () => listener(true);
    this.client.on('close', down);
    this.client.on('ready', up);
    return () => {
      this.client.off('close', down);
      this.client.off('ready', up);
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#sweep);
    for (const operation of this.#inFlight) operation.fail(new Error('store closed'));
    this.blocking.close();
    this.pushes.close();
    if (!this.#ownsClient) return;
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  /** XREAD of one stream after `afterId`, blocking up to read.blockMs on a borrowed connection. */
  protected readStreamBlocking(operation: string, key: string, afterId: string, read: BlockingRead): Promise<StreamEntry[]> {
    const blockMs = Math.max(1, Math.ceil(read.blockMs));
    return this.call(
      operation,
      () =>
        this.blocking.use(
          async (connection) => toEntries((await connection.xread('COUNT', read.count, 'BLOCK', blockMs, 'STREAMS', key, afterId)) as RawStreams),
          blockMs,
          read.signal,
          [],
        ),
      blockMs + DEADLINE_GRACE_MS, // the read's own deadline comes first
    );
  }

/**
   * Sends single-key commands together: one pipeline on a standalone server; on a Cluster, each
   * to its node at once. Results in order; a failed command throws, or gives `onError` if set.
   */
  protected async sendTogether(commands: readonly string[][], ...onError: [unknown?]): Promise<unknown[]> {
    if (commands.length === 0) return [];
    const settle = (error: unknown, result: unknown) => {
      if (!error) return result;
      if (onError.length > 0) return onError[0];
      throw error;
    };
    if (this.client instanceof Cluster) {
      const cluster = this.client;
      return Promise.all(commands.map(([name, ...args]) => cluster.call(name!, ...args).then((r) => r, (e: unknown) => settle(e, undefined))));
    }
    const pipeline = this.client.pipeline();
    for (const [name, ...args] of commands) pipeline.call(name!, ...args);
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([error, result]) => settle(error, result));
  }

  /**
   * Runs one operation, mapping failures to StoreUnavailableError (or StoreClosedError after
   * close). One still unsettled at its deadline fails (checked by the sweep, so up to a quarter of
   * the deadline late): its command may still be applied later, like any command that timed out.
   * `extraMs` lengthens the deadline for an operation that has a longer one of its own (a blocking
   * read, a subscribe), so that one ends it, cleanly.
   */
  protected call<T>(operation: string, run: () => Promise<T>, extraMs = 0): Promise<T> {
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
  protected typedError(operation: string, error: unknown): Error {
    if (this.#closed) return new StoreClosedError(operation);
    if (error instanceof RendezvousError) return error;
    if (isRefusal(error)) return new StoreCommandError(operation, error);
    return new StoreUnavailableError(operation, error);
  }

  #failOverdue(): void {
    const now = performance.now();
    for (const operation of this.#inFlight) {
      if (operation.endsAt <= now) operation.fail(new Error(`no answer within ${operation.limitMs} ms`));
    }
  }
}
