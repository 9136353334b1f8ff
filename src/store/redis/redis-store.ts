import { SIGNAL_TTL_MS } from '../retention.js';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from '../../protocol/logger.js';
import { resolveBreakerOptions, type BreakerOptions } from '../breaker-options.js';
import { ComposedStore } from '../compose.js';
import type { Store } from '../port.js';
import type { LostStateCounts } from '../lost-state.js';
import type { StoreBreaker } from '../store-breaker.js';
import type { RedisClient } from './lua-script.js';
import { RedisBase } from './redis-base.js';
import { RedisContext } from './redis-context.js';
import { RedisInbox } from './redis-inbox.js';
import { RedisInboxView } from './redis-inbox-view.js';
import { RedisLeases } from './redis-leases.js';
import { RedisLiveness } from './redis-liveness.js';
import { RedisMaintenance } from './redis-maintenance.js';
import { RedisSupervision } from './redis-supervision.js';
import { RedisWork } from './redis-work.js';
import { resolveReplicatedWrites, type ReplicatedWrites } from './replicated-writes-options.js';

export interface RedisStoreOptions {
  /** The ioredis client (standalone, Sentinel or Cluster) every operation uses. */
  client: Redis | Cluster;
  /** Whether close() quits the client (true when createStore made it). Default false: a client handed in stays its owner's. */
  ownsClient?: boolean;
  /** The lifetime of an inbox a read finds without its consumer group, recreated, ms. Default 24 h. */
  inboxTtlMs?: number;
  logger?: Logger;
  /** Sends and ACKs resolve only once this many replicas confirm them (WAIT). Default: off. */
  replicatedWrites?: ReplicatedWrites;
  /**
   * The circuit breaker's options (threshold 5 failures in a row, first probe after 1 s doubling to
   * 8 s), or `false` for none (operations always go to Redis). Invalid values throw InvalidConfigError.
   */
  breaker?: BreakerOptions | false;
}

/**
 * The Redis adapter (standalone, Sentinel or Cluster through ioredis). Multi-key operations are
 * Lua scripts on one swarm slot; what they append to inboxes and ACK notice streams is pushed to
 * waiting coordinators over one pub/sub connection (push-hub.ts). One part per role, all on one
 * RedisContext (the connections, the operation deadline and the circuit breaker); `store.client`
 * is the client, `store.breaker` the breaker.
 */
export class RedisStore extends ComposedStore implements Store {
  readonly kind = 'redis' as const;
  readonly client: RedisClient;
  readonly breaker: StoreBreaker;
  readonly lostState: Readonly<LostStateCounts>;

  constructor(options: RedisStoreOptions) {
    const { client } = options;
    const breaker = resolveBreakerOptions(options.breaker);
    const replicatedWrites = resolveReplicatedWrites(options.replicatedWrites);
    const redis = new RedisContext(client, {
      ownsClient: options.ownsClient ?? false,
      breaker,
      ...(options.logger ? { logger: options.logger } : {}),
      ...(replicatedWrites ? { replicatedWrites } : {}),
    });
    super(
      new RedisBase(redis),
      new RedisInbox(redis, options.inboxTtlMs ?? SIGNAL_TTL_MS),
      new RedisLiveness(redis),
      new RedisWork(redis),
      new RedisLeases(redis),
      new RedisSupervision(redis),
      new RedisMaintenance(redis),
      new RedisInboxView(redis),
    );
    this.client = client;
    this.breaker = redis.breaker;
    this.lostState = redis.lostState;
  }
}
