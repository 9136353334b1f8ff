import { Cluster, type Redis } from 'ioredis';
import { ReplicationShortfallError } from '../../protocol/errors.js';
import type { Logger } from '../../protocol/logger.js';
import { logConnectionErrors } from './connection-errors.js';
import type { RedisClient } from './lua-script.js';
import { REPLICA_WAIT_DEFAULT_MS, type ReplicatedWrites } from './replicated-writes-options.js';

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
  /** The connection generation before the write was sent. */
  since: number;
  operation: string;
}

/** One connection's confirmations: one WAIT in flight, and those asked meanwhile, for the next. */
interface Route {
  inFlight: boolean;
  next: Waiter[];
}

/**
 * Confirms writes on replicas with WAIT, group-committed: WAIT covers every write the connection
 * sent before it, so one WAIT in flight per connection confirms every write that asked before it
 * was sent, and those that ask meanwhile share the next one.
 *
 * The writes to confirm go on a connection of their own (`writer`): WAIT holds its connection until
 * the replicas answer, up to timeoutMs when one lags, and on the shared one it would hold up every
 * heartbeat and read behind it.
 *
 * WAIT counts the writes of its own connection only: a write sent on a connection that has since
 * dropped (a failover, a reconnection) cannot be confirmed by a WAIT on the new one, which would
 * answer at once. Every drop bumps a generation; a write whose generation changed before its WAIT
 * answered fails with ReplicationShortfallError (retried, it is applied at most once).
 */
export class ReplicaConfirmations {
  /** The connection the writes to confirm are sent on, and their WAITs. */
  readonly writer: RedisClient;
  readonly #client: RedisClient;
  readonly #replicas: number;
  readonly #timeoutMs: number;
  readonly #routes = new Map<string, Route>();
  #generation = 0;
  readonly #bump = (): void => {
    this.#generation += 1;
  };

  constructor(base: RedisClient, options: ReplicatedWrites, logger: Logger) {
    const client = base.duplicate();
    logConnectionErrors(client, logger, 'replicated-writes');
    this.writer = client;
    this.#client = client;
    this.#replicas = options.replicas;
    this.#timeoutMs = options.timeoutMs ?? REPLICA_WAIT_DEFAULT_MS;
    client.on('close', this.#bump);
    if (client instanceof Cluster) {
      // A Cluster sends each slot's commands on its node's connection: any node's drop counts.
      for (const node of client.nodes()) node.on('close', this.#bump);
      client.on('+node', (node: Redis) => node.on('close', this.#bump));
    }
  }

  close(): void {
    this.writer.disconnect();
  }

  /** The extra time an operation that confirms its writes may take. */
  get timeoutMs(): number {
    return this.#timeoutMs;
  }

  /** Taken before a write is sent, and given to confirm() once it is applied. */
  generation(): number {
    return this.#generation;
  }

  /**
   * Resolves once `replicas` replicas hold every write sent before this call on the connection
   * of `routeKey`'s node (any key of the slot the writes went to); else ReplicationShortfallError.
   */
  confirm(operation: string, routeKey: string, since: number): Promise<void> {
    const routeId = this.#client instanceof Cluster ? routeKey : '';
    let route = this.#routes.get(routeId);
    if (!route) this.#routes.set(routeId, (route = { inFlight: false, next: [] }));
    return new Promise<void>((resolve, reject) => {
      route.next.push({ resolve, reject, since, operation });
      if (!route.inFlight) void this.#wait(routeId, routeKey, route);
    });
  }

  async #wait(routeId: string, routeKey: string, route: Route): Promise<void> {
    while (route.next.length > 0) {
      const batch = route.next;
      route.next = [];
      route.inFlight = true;
      let confirmed = 0;
      let failure: unknown;
      try {
        confirmed = await this.#sendWait(routeKey);
      } catch (error) {
        failure = error;
      }
      const generation = this.#generation;
      for (const waiter of batch) {
        if (failure === undefined && confirmed >= this.#replicas && waiter.since === generation) waiter.resolve();
        else if (failure === undefined && waiter.since !== generation) waiter.reject(new ReplicationShortfallError(waiter.operation, 0, this.#replicas, this.#timeoutMs, new Error('the connection to Redis changed before the replicas confirmed it')));
        else waiter.reject(new ReplicationShortfallError(waiter.operation, confirmed, this.#replicas, this.#timeoutMs, failure));
      }
      route.inFlight = false;
    }
    this.#routes.delete(routeId);
  }

  /** WAIT on the connection the writes went on: a Cluster's is the routing key's node's. */
  async #sendWait(routeKey: string): Promise<number> {
    if (!(this.#client instanceof Cluster)) return Number(await this.#client.call('WAIT', this.#replicas, this.#timeoutMs));
    // A key-less command goes to any node; in a pipeline with a keyed one it goes to that key's node.
    const replies = (await this.#client.pipeline().exists(routeKey).call('WAIT', this.#replicas, this.#timeoutMs).exec()) ?? [];
    const [error, reply] = replies[1] ?? [new Error('WAIT: no reply'), undefined];
    if (error) throw error;
    return Number(reply);
  }
}
