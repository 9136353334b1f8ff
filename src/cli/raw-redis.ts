/**
 * Plain connections for what the Store port does not offer (INFO, CONFIG, ACL, TIME), to each
 * server that holds the coordinators' data: the one a redis:// URL names, a Sentinel group's
 * master, every master of a Cluster. They give up at once rather than wait for Redis.
 */
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { InvalidConfigError } from '../protocol/errors.js';
import { isClusterUrl, parseClusterUrl } from '../store/redis/cluster-url.js';
import { checkRedisUrl } from '../store/redis/redis-url.js';
import { tlsFromEnv } from '../store/redis/tls-files.js';
import { isSentinelUrl, parseSentinelUrl, sentinelClient } from '../store/redis/sentinel.js';

/** --redis-url, else REDIS_URL; a typed error when neither is set. */
export function redisUrl(flags: { redisUrl?: string }, env: NodeJS.ProcessEnv = process.env): string {
  const url = flags.redisUrl ?? (env.REDIS_URL || undefined);
  if (url === undefined) throw new InvalidConfigError('no Redis to use: set REDIS_URL or pass --redis-url');
  return url;
}

/** One server, named `host:port` (what an operator types after redis-cli -h/-p). */
export interface RawServer {
  node: string;
  client: Redis;
}

export interface RawServers {
  /** The servers that answered. */
  servers: RawServer[];
  /** Those that did not (a Cluster master down while others answer), with the socket's reason. */
  unreachable: { node: string; error: Error }[];
  /** Found through sentinels or a Cluster, not named by the URL: what is said of each names it. */
  named: boolean;
  disconnect(): void;
}

const CONNECT_TIMEOUT_MS = 2_000;
const FAIL_FAST: RedisOptions = { lazyConnect: true, connectTimeout: CONNECT_TIMEOUT_MS, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null };

/**
 * Connects to every server the URL's data lives on. Throws with the socket's own reason
 * (ECONNREFUSED ...) rather than ioredis's "Connection is closed" when none answers; `name` is
 * where the URL came from, for a refused URL's message.
 */
export async function connectRawServers(url: string, name: string, env: NodeJS.ProcessEnv = process.env): Promise<RawServers> {
  // REDIS_PASSWORD when the URL has none, and the REDIS_TLS_*_FILE files, as createStore.
  const password = env.REDIS_PASSWORD || undefined;
  const tls = tlsFromEnv(env);
  const withEnv = (options: RedisOptions): RedisOptions => ({ ...options, ...(password && !options.password ? { password } : {}), ...(tls ? { tls } : {}) });
  if (isClusterUrl(url)) {
    const { nodes, ...credentials } = parseClusterUrl(url, name);
    const options = withEnv({ ...FAIL_FAST, ...credentials });
    // No ready check: a Cluster with a master down says cluster_state:fail, and the ready check would wait for ok for ever; the slots say who the masters are.
    const masters = await clusterMasters(new Cluster(nodes, { lazyConnect: true, enableReadyCheck: false, clusterRetryStrategy: () => null, enableOfflineQueue: false, redisOptions: options }));
    return connectAll(masters.map(({ host, port }) => ({ node: `${host}:${port}`, client: new Redis({ ...options, host, port }) })), true);
  }
  if (isSentinelUrl(url)) {
    const { sentinel, ...master } = parseSentinelUrl(url, name);
    const client = sentinelClient(sentinel, withEnv({ ...FAIL_FAST, sentinelRetryStrategy: () => null, ...master }));
    const connected = await connectAll([{ node: `master ${sentinel.masterName}`, client }], true);
    // The sentinels answered with the master's address: name it as redis-cli would reach it.
    if (client.stream?.remoteAddress !== undefined) connected.servers[0]!.node = `${client.stream.remoteAddress}:${client.stream.remotePort} (master ${sentinel.masterName})`;
    return connected;
  }
  checkRedisUrl(url, name);
  const client = new Redis(url, withEnv(FAIL_FAST));
  return connectAll([{ node: `${client.options.host}:${client.options.port}`, client }], false);
}

/** The masters a Cluster's seed nodes know of, then the Cluster client is closed. */
async function clusterMasters(cluster: Cluster): Promise<{ host: string; port: number }[]> {
  const errors: Error[] = [];
  cluster.on('error', (error: Error) => void errors.push(error));
  cluster.on('node error', (error: Error) => void errors.push(error));
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the Cluster's slots not read within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS)));
  try {
    const connecting = cluster.connect();
    connecting.catch(() => undefined); // it may still fail after it was given up
    await Promise.race([connecting, late]);
    return cluster.nodes('master').map((node) => ({ host: node.options.host!, port: node.options.port! }));
  } catch (error) {
    throw (errors.find((e) => (e as NodeJS.ErrnoException).code !== undefined) ?? errors[0] ?? error) as Error;
  } finally {
    clearTimeout(timer);
    cluster.disconnect();
  }
}

/** Those that answer are kept; when none does, the first one's reason is thrown. */
async function connectAll(servers: RawServer[], named: boolean): Promise<RawServers> {
  const results = await Promise.allSettled(servers.map(({ client }) => connectRaw(client)));
  const reachable: RawServer[] = [];
  const unreachable: RawServers['unreachable'] = [];
  results.forEach((result, i) => {
    const server = servers[i]!;
    if (result.status === 'fulfilled') reachable.push(server);
    else {
      server.client.disconnect();
      unreachable.push({ node: server.node, error: result.reason as Error });
    }
  });
  if (reachable.length === 0) throw unreachable[0]!.error;
  return {
    servers: reachable,
    unreachable,
    named,
    disconnect: () => {
      for (const { client } of reachable) client.disconnect();
    },
  };
}

const lastErrors = new WeakMap<Redis, Error>();

async function connectRaw(client: Redis): Promise<void> {
  client.on('error', (error: Error) => void lastErrors.set(client, error));
  try {
    await client.connect();
  } catch (error) {
    throw lastErrors.get(client) ?? error;
  }
}
