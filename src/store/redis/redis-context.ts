import { Cluster, type Redis } from 'ioredis';
import { StoreClosedError } from '../../protocol/errors.js';
import type { Logger } from '../../protocol/logger.js';
import type { BreakerConfig } from '../breaker-options.js';
import { defaultLogger } from '../default-logger.js';
import type { BlockingRead, StreamEntry } from '../roles/common.js';
import { noLostState, type LostStateCounts } from '../lost-state.js';
import { StoreBreaker } from '../store-breaker.js';
import { BlockingConnections, DEADLINE_GRACE_MS } from './blocking-connections.js';
import { CallDeadlines, isRefusal, operationDeadlineMs } from './call-deadlines.js';
import type { RedisClient } from './lua-script.js';
import { PushHub } from './push-hub.js';
import { ReplicaConfirmations } from './replica-confirmations.js';
import type { ReplicatedWrites } from './replicated-writes-options.js';
import { toEntries, type RawStreams } from './stream-entries.js';

/** One command's outcome among commands sent together, as a Pipeline's exec() gives them. */
type Reply = [error: Error | null, result: unknown];
const answered = (result: unknown): Reply => [null, result];
const refused = (error: Error): Reply => [error, undefined];

export interface RedisContextOptions {
  /** Whether close() quits the client (true when createStore made it). */
  ownsClient: boolean;
  logger?: Logger;
  /** Sends and ACKs resolve once this many replicas confirm them (replicated-writes.ts). Default: off. */
  replicatedWrites?: ReplicatedWrites;
  /** The circuit breaker's resolved options; `false`: none. */
  breaker: BreakerConfig | false;
}

/**
 * What the Redis adapter's role parts share: the client, the connections for blocking reads, the
 * push hub, and call(): every operation runs under its deadline, behind the circuit breaker.
 */
export class RedisContext {
  readonly client: RedisClient;
  readonly blocking: BlockingConnections;
  readonly pushes: PushHub;
  /** Where the adapter's parts report what is not an operation's failure (signs of lost state). */
  readonly logger: Logger;
  /** Signs of lost or tampered state the adapter's parts saw (lost-state.ts). */
  readonly lostState: LostStateCounts = noLostState();
  /** Opens when Redis stops answering: operations then fail at once (store-breaker.ts). */
  readonly breaker: StoreBreaker;
  readonly #ownsClient: boolean;
  readonly #calls: CallDeadlines;
  readonly #replicas: ReplicaConfirmations | undefined;
  readonly #closing = new AbortController();
  #closed = false;

  constructor(client: Redis | Cluster, options: RedisContextOptions) {
    const logger = options.logger ?? defaultLogger();
    this.logger = logger;
    this.client = client;
    this.#ownsClient = options.ownsClient;
    const calls = new CallDeadlines(operationDeadlineMs(client));
    this.#calls = calls;
    // The probe is a PING under the same deadline as any operation, outside the breaker it tests.
    this.breaker = new StoreBreaker({ config: options.breaker, logger, probe: () => calls.call('probe', () => client.ping()), closed: this.#closing.signal });
    this.blocking = new BlockingConnections(client, logger);
    this.pushes = new PushHub(client, logger);
    this.#replicas = options.replicatedWrites ? new ReplicaConfirmations(client, options.replicatedWrites, logger) : undefined;
  }

  /**
   * Runs one operation under its deadline, failing with typed errors (call-deadlines.ts), behind
   * the breaker: while it is open the operation fails with StoreCircuitOpenError, unsent.
   */
  call<T>(operation: string, run: () => Promise<T>, extraMs = 0): Promise<T> {
    if (this.#closed) return Promise.reject(new StoreClosedError(operation)); // closed says more than open
    return this.breaker.run(operation, () => this.#calls.call(operation, run, extraMs));
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
    this.#closing.abort();
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
    // Not blocking: a plain XREAD on the command connection (a one-shot reader, a CLI command, opens no second one).
    if (read.blockMs <= 0) {
      if (read.signal?.aborted) return Promise.resolve([]);
      return this.call(operation, async () => toEntries((await this.client.xread('COUNT', read.count, 'STREAMS', key, afterId)) as RawStreams));
    }
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
   * Sends single-key commands together: one socket write on a standalone server; on a Cluster, each
   * to its node at once. Results in order; a failed command throws, or gives `onError` if set.
   * When no command was answered (every one failed, none refused) it throws whatever `onError`
   * says: the store was unreachable, and the operation fails as a whole (and counts for the breaker).
   */
  async sendTogether(commands: readonly string[][], ...onError: [unknown?]): Promise<unknown[]> {
    if (commands.length === 0) return [];
    let replies: Reply[];
    if (this.client instanceof Cluster) {
      const cluster = this.client;
      replies = await Promise.all(commands.map(([name, ...args]) => cluster.call(name!, ...args).then(answered, refused)));
    } else {
      // Corked around plain calls, not an ioredis Pipeline: a Pipeline allocates far more per call
      // (lua-script.ts, runPushFirst), and every batch of heartbeats comes here.
      const client = this.client;
      const stream = client.status === 'ready' ? client.stream : undefined;
      let sent: Promise<Reply>[];
      stream?.cork();
      try {
        sent = commands.map(([name, ...args]) => client.call(name!, ...args).then(answered, refused));
      } finally {
        stream?.uncork();
      }
      replies = await Promise.all(sent);
    }
    const first = replies[0]?.[0];
    if (first && replies.every(([error]) => error && !isRefusal(error))) throw first;
    return replies.map(([error, result]) => {
      if (!error) return result;
      if (onError.length > 0) return onError[0];
      throw error;
    });
  }
}
