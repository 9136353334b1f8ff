/**
 * Plain connections for what the Store port does not offer (INFO, CONFIG, ACL, TIME), to each
 * server that holds the coordinators' data: the one a redis:// URL names, a Sentinel group's
 * master, every master of a Cluster. They give up at once rather than wait for Redis.
 */
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { InvalidConfigError } from '../protocol/errors.js';
import { isClusterUrl, parseClusterUrl } from '../store/redis/cluster-url.js';
import { checkRedisUrl } from '../store/redis/redis-url.js';
import { isSentinelUrl, parseSentinelUrl, sentinelClient } from '../store/redis/sentinel.js';

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
  servers: RawServer[];
  /** Found through sentinels or a Cluster, not named by the URL: what is said of each names it. */
  named: boolean;
  disconnect(): void;
}

const FAIL_FAST: RedisOptions = { lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null };

/**
 * Connects to every server the URL's data lives on; throws with the socket's own reason
 * (ECONNREFUSED ...) rather than ioredis's "Connection is closed" when one does not answer.
 */
export async function connectRawServers(url: string, env: NodeJS.ProcessEnv = process.env): Promise<RawServers> {
  const name = 'REDIS_URL';
  const password = env.REDIS_PASSWORD || undefined;
  const withPassword = (options: RedisOptions): RedisOptions => (password && !options.password ? { ...options, password } : options);
  if (isClusterUrl(url)) {
    const { nodes, ...credentials } = parseClusterUrl(url, name);
    const options = withPassword({ ...FAIL_FAST, ...credentials });
    const masters = await clusterMasters(new Cluster(nodes, { lazyConnect: true, clusterRetryStrategy: () => null, enableOfflineQueue: false, redisOptions: options }));
    return connectAll(masters.map(({ host, port }) => ({ node: `${host}:${port}`, client: new Redis({ ...options, host, port }) })), true);
  }
  if (isSentinelUrl(url)) {
    const { sentinel, ...master } = parseSentinelUrl(url, name);
    const client = sentinelClient(sentinel, withPassword({ ...FAIL_FAST, sentinelRetryStrategy: () => null, ...master }));
    const connected = await connectAll([{ node: `master ${sentinel.masterName}`, client }], true);
    // The sentinels answered with the master's address: name it as redis-cli would reach it.
    if (client.stream?.remoteAddress !== undefined) connected.servers[0]!.node = `${client.stream.remoteAddress}:${client.stream.remotePort} (master ${sentinel.masterName})`;
    return connected;
  }
  checkRedisUrl(url, name);
  const client = new Redis(url, withPassword(FAIL_FAST));
  return connectAll([{ node: `${client.options.host}:${client.options.port}`, client }], false);
}

/** The masters a Cluster's seed nodes know of, then the Cluster client is closed. */
async function clusterMasters(cluster: Cluster): Promise<{ host: string; port: number }[]> {
  const errors: Error[] = [];
  cluster.on('error', (error: Error) => void errors.push(error));
  cluster.on('node error', (error: Error) => void errors.push(error));
  try {
    await cluster.connect();
    return cluster.nodes('master').map((node) => ({ host: node.options.host!, port: node.options.port! }));
  } catch (error) {
    throw (errors.find((e) => (e as NodeJS.ErrnoException).code !== undefined) ?? errors[0] ?? error) as Error;
  } finally {
    cluster.disconnect();
  }
}

async function connectAll(servers: RawServer[], named: boolean): Promise<RawServers> {
  const disconnect = () => {
    for (const { client } of servers) client.disconnect();
  };
  try {
    await Promise.all(servers.map(({ client }) => connectRaw(client)));
  } catch (error) {
    disconnect();
    throw error;
  }
  return { servers, named, disconnect };
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
