import { Cluster, Redis, type ClusterNode, type RedisOptions } from 'ioredis';
import { InvalidConfigError } from '../protocol/errors.js';
import type { Logger } from '../protocol/logger.js';
import { resolveBreakerOptions, type BreakerOptions } from './breaker-options.js';
import { defaultLogger } from './default-logger.js';
import type { Store } from './port.js';
import { connectClient } from './redis/connect-client.js';
import { logConnectionErrors } from './redis/connection-errors.js';
import { RedisStore } from './redis/redis-store.js';
import { checkEvictionPolicy, type EvictingRedisMode } from './redis/eviction-policy.js';
import { checkRedisUrl } from './redis/redis-url.js';
import { checkReplicaCount } from './redis/replica-count.js';
import { resolveReplicatedWrites, type ReplicatedWrites } from './redis/replicated-writes-options.js';
import { reconnectWhenDemoted } from './redis/demoted-server.js';
import { isClusterUrl, parseClusterUrl } from './redis/cluster-url.js';
import { tlsFromEnv } from './redis/tls-files.js';
import { isSentinelUrl, parseSentinelUrl, sentinelClient, type SentinelOptions } from './redis/sentinel.js';

export interface CreateStoreOptions {
  /** Force an adapter; by default Redis when `url`, `client`, `cluster` or REDIS_URL is given, else memory. */
  kind?: 'memory' | 'redis';
  /**
   * `redis://[user:password@]host:port[/db]` (`rediss://` for TLS), a Sentinel group
   * `redis+sentinel://host:port[,host:port...]/masterName[/db]`, or a Cluster's seed nodes
   * `redis+cluster://host:port[,host:port...]` (each may carry `user:password@`). Default: REDIS_URL.
   */
  url?: string;
  /** An existing ioredis client (standalone, Sentinel or Cluster); it stays yours to close. */
  client?: Redis | Cluster;
  /** Redis Cluster seed nodes. */
  cluster?: ClusterNode[];
  /** A Redis Sentinel group: its sentinels and the master's name (or the URL form `redis+sentinel://h1:26379,h2:26379/mymaster`). */
  sentinel?: SentinelOptions;
  /** Password when the URL has none. Default: REDIS_PASSWORD. */
  password?: string;
  /** Extra ioredis options for connections this function creates. */
  redisOptions?: RedisOptions;
  /** Environment to read REDIS_URL, REDIS_PASSWORD and REDIS_TLS_CA_FILE, REDIS_TLS_CERT_FILE, REDIS_TLS_KEY_FILE from. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Where connection errors are logged. Default: pino on stderr. */
  logger?: Logger;
  /**
   * A Redis whose maxmemory-policy is not `noeviction` can drop Rendezvous' keys without a word:
   * `refuse` fails with StoreMisconfiguredError, `warn` logs an error and runs. Default `refuse`.
   */
  evictingRedis?: EvictingRedisMode;
  /**
   * Sends and ACKs resolve only once this many replicas confirm them (Redis WAIT), so that a
   * failover loses none that resolved; a shortfall is a ReplicationShortfallError (retry it).
   * Default: off, or RENDEZVOUS_REPLICATED_WRITES (replicas) and RENDEZVOUS_REPLICATED_WRITES_TIMEOUT_MS.
   */
  replicatedWrites?: ReplicatedWrites | false;
  /**
   * The circuit breaker on the store's operations: opens after `threshold` (5) operations in a row
   * found Redis unreachable, probes it after `halfOpenAfterMs` (1 s) doubling to
   * `maxHalfOpenAfterMs` (8 s), closes when a probe is answered. `false`: no breaker. Checked for
   * the memory store too, whose breaker never opens.
   */
  breaker?: BreakerOptions | false;
}

/**
 * The store every coordinator of a process shares. Without arguments (and no REDIS_URL) it is
 * the embedded in-process store; with a URL, client or cluster nodes it is Redis.
 */
export async function createStore(options: CreateStoreOptions = {}): Promise<Store> {
  const env = options.env ?? process.env;
  const url = options.url ?? (options.kind === 'memory' ? undefined : env.REDIS_URL || undefined);
  const kind = options.kind ?? (url || options.client || options.cluster || options.sentinel ? 'redis' : 'memory');
  const breaker = resolveBreakerOptions(options.breaker); // invalid options fail here, before any connection
  const replicatedWrites = resolveReplicatedWrites(options.replicatedWrites, env);
  if (kind === 'memory') {
    // Someone expects their sends to survive a failover: an in-process store cannot promise that.
    if (replicatedWrites) throw new InvalidConfigError('replicatedWrites needs a Redis store with replicas (give `url`, `sentinel`, `cluster` or REDIS_URL)');
    // Imported here: a process on Redis (a CLI command) does not load the embedded store's modules.
    const { MemoryStore } = await import('./memory/memory-store.js');
    return new MemoryStore();
  }

  const logger = options.logger ?? defaultLogger();
  const evicting = options.evictingRedis ?? 'refuse';
  if (evicting !== 'refuse' && evicting !== 'warn') throw new InvalidConfigError(`evictingRedis must be 'refuse' or 'warn', got ${JSON.stringify(evicting)}`);
  if (options.client) {
    await checkEvictionPolicy(options.client, evicting, logger); // the client stays its owner's, refused or not
    if (replicatedWrites) await checkReplicaCount(options.client, replicatedWrites.replicas, logger);
    return new RedisStore({ client: options.client, ownsClient: false, logger, breaker, ...(replicatedWrites ? { replicatedWrites } : {}) });
  }
  const password = options.password ?? (env.REDIS_PASSWORD || undefined);
  // REDIS_TLS_*_FILE: TLS with a private CA or a client certificate, as the CLI and the daemon can only be told through the environment.
  const tls = tlsFromEnv(env);
  // A command waits through at most 3 reconnection attempts (about 300 ms), and for a reply at
  // most 5 s, before failing with a typed error: a blackholed connection is noticed, never waited
  // on forever. Callers decide whether to retry; the coordinator's own loops always do.
  const base: RedisOptions = {
    lazyConnect: true,
    maxRetriesPerRequest: 3,
    commandTimeout: 5_000,
    ...(password ? { password } : {}),
    ...(tls ? { tls } : {}),
    reconnectOnError: reconnectWhenDemoted(logger),
    ...options.redisOptions,
  };

  const { reconnectOnError: _singleServerOnly, ...nodeOptions } = base; // a Cluster follows its slots' moves itself
  let client: Redis | Cluster;
  if (options.cluster) {
    client = new Cluster(options.cluster, { lazyConnect: true, redisOptions: nodeOptions });
  } else if (options.sentinel) {
    client = sentinelClient(options.sentinel, base);
  } else if (url && isClusterUrl(url)) {
    const { nodes, ...credentials } = parseClusterUrl(url, options.url === undefined ? 'REDIS_URL' : '`url`');
    client = new Cluster(nodes, { lazyConnect: true, redisOptions: { ...nodeOptions, ...credentials } }); // the URL's credentials over `password`
  } else if (url && isSentinelUrl(url)) {
    const { sentinel, ...master } = parseSentinelUrl(url, options.url === undefined ? 'REDIS_URL' : '`url`');
    client = sentinelClient(sentinel, { ...base, ...master }); // the URL's credentials over `password`
  } else if (url) {
    checkRedisUrl(url, options.url === undefined ? 'REDIS_URL' : '`url`');
    client = new Redis(url, base);
  } else {
    throw new InvalidConfigError('a Redis store needs `url`, `client`, `cluster`, `sentinel` or REDIS_URL');
  }
  // Ours log their connection errors from the first attempt on (a client handed to us keeps its owner's handling).
  logConnectionErrors(client, logger, 'commands');
  await connectClient(client);
  try {
    await checkEvictionPolicy(client, evicting, logger);
  } catch (error) {
    client.disconnect();
    throw error;
  }
  if (replicatedWrites) await checkReplicaCount(client, replicatedWrites.replicas, logger);
  return new RedisStore({ client, ownsClient: true, logger, breaker, ...(replicatedWrites ? { replicatedWrites } : {}) });
}
