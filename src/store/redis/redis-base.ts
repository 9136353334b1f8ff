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
  /** Operations under way, each with the way to end it: close() fails them at once. */
  readonly #inFlight = new Set<(error: Error) => void>();
  #closed = false;

  constructor(client: Redis | Cluster, options: RedisStoreOptions) {
    const logger = options.logger ?? defaultLogger();
    this.client = client;
    this.#ownsClient = options.ownsClient;
    this.#deadlineMs = operationDeadlineMs(client);
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
    for (const end of this.#inFlight) end(new Error('store closed'));
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
   * close). One that has not settled by the deadline fails: its command may still be applied
   * later, like any command that timed out. `extraMs` lengthens it for an operation that has a
   * longer deadline of its own (a blocking read, a subscribe), so that one ends it, cleanly.
   */
  protected async call<T>(operation: string, run: () => Promise<T>, extraMs = 0): Promise<T> {
    if (this.#closed) throw new StoreClosedError(operation);
    const limitMs = this.#deadlineMs + extraMs;
    let end!: (error: Error) => void;
    const ended = new Promise<never>((_, reject) => (end = reject));
    const timer = setTimeout(() => end(new Error(`no answer within ${limitMs} ms`)), limitMs);
    this.#inFlight.add(end);
    try {
      const running = run();
      running.catch(() => undefined); // it may still fail after the deadline
      return await Promise.race([running, ended]);
    } catch (error) {
      if (this.#closed) throw new StoreClosedError(operation);
      if (error instanceof RendezvousError) throw error;
      if (isRefusal(error)) throw new StoreCommandError(operation, error);
      throw new StoreUnavailableError(operation, error);
    } finally {
      clearTimeout(timer);
      this.#inFlight.delete(end);
    }
  }
}
