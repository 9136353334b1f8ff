import { Cluster, type Redis } from 'ioredis';
import type { Logger } from '../../protocol/logger.js';
import { defaultLogger } from '../default-logger.js';
import type { BlockingRead, StreamEntry } from '../roles/common.js';
import { BlockingConnections, DEADLINE_GRACE_MS } from './blocking-connections.js';
import { CallDeadlines, operationDeadlineMs } from './call-deadlines.js';
import type { RedisClient } from './lua-script.js';
import { PushHub } from './push-hub.js';
import { ReplicaConfirmations } from './replica-confirmations.js';
import type { ReplicatedWrites } from './replicated-writes-options.js';
import { toEntries, type RawStreams } from './stream-entries.js';

export interface RedisContextOptions {
  /** Whether close() quits the client (true when createStore made it). */
  ownsClient: boolean;
  logger?: Logger;
  /** Sends and ACKs resolve once this many replicas confirm them (replicated-writes.ts). Default: off. */
  replicatedWrites?: ReplicatedWrites;
}

/**
 * What the Redis adapter's role parts share: the client, the connections for blocking reads, the
 * push hub, and the deadline every operation runs under (call()).
 */
export class RedisContext {
  readonly client: RedisClient;
  readonly blocking: BlockingConnections;
  readonly pushes: PushHub;
  /** Where the adapter's parts report what is not an operation's failure (signs of lost state). */
  readonly logger: Logger;
  readonly #ownsClient: boolean;
  readonly #calls: CallDeadlines;
  readonly #replicas: ReplicaConfirmations | undefined;
  #closed = false;

  constructor(client: Redis | Cluster, options: RedisContextOptions) {
    const logger = options.logger ?? defaultLogger();
    this.logger = logger;
    this.client = client;
    this.#ownsClient = options.ownsClient;
    this.#calls = new CallDeadlines(operationDeadlineMs(client));
    this.blocking = new BlockingConnections(client, logger);
    this.pushes = new PushHub(client, logger);
    this.#replicas = options.replicatedWrites ? new ReplicaConfirmations(client, options.replicatedWrites, logger) : undefined;
  }

  /** Runs one operation under its deadline, failing with typed errors (call-deadlines.ts). */
  call<T>(operation: string, run: () => Promise<T>, extraMs = 0): Promise<T> {
    return this.#calls.call(operation, run, extraMs);
  }

  /**
   * Runs one write that must survive a failover: with replicated writes on, it resolves only once
   * enough replicas confirm it (else ReplicationShortfallError); `routeKey` is any key of the
   * slot it writes to; `run` sends it on the client it is given (with the mode, a connection of
   * the writes' own). Without the mode, call().
   */
  callReplicated<T>(operation: string, routeKey: string, run: (client: RedisClient) => Promise<T>): Promise<T> {
    const replicas = this.#replicas;
    if (!replicas) return this.call(operation, () => run(this.client));
    return this.call(
      operation,
      async () => {
        const since = replicas.generation();
        const result = await run(replicas.writer);
        await replicas.confirm(operation, routeKey, since);
        return result;
      },
      replicas.timeoutMs,
    );
  }

  /** An operation's failure as the typed error its caller gets. */
  typedError(operation: string, error: unknown): Error {
    return this.#calls.typedError(operation, error);
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
    this.#calls.close();
    this.blocking.close();
    this.pushes.close();
    this.#replicas?.close();
    if (!this.#ownsClient) return;
    await this.client.quit().catch(() => undefined);
    // QUIT closes the command connection only; disconnect() also ends the connector's own ones (a
    // Sentinel client's failover detector keeps connections to every sentinel, retried for ever).
    this.client.disconnect();
  }

  /** XREAD of one stream after `afterId`, blocking up to read.blockMs on a borrowed connection. */
  readStreamBlocking(operation: string, key: string, afterId: string, read: BlockingRead): Promise<StreamEntry[]> {
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
  async sendTogether(commands: readonly string[][], ...onError: [unknown?]): Promise<unknown[]> {
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
}
