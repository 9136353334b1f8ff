import { Cluster, type Redis } from 'ioredis';
import { StoreMisconfiguredError } from '../../protocol/errors.js';
import type { Logger } from '../../protocol/logger.js';
import { operationDeadlineMs } from './call-deadlines.js';
import { messageOf, nodeName, withDeadline } from './node-query.js';

/**
 * What to do with a Redis that may evict keys (`maxmemory-policy` other than `noeviction`): nearly
 * every Rendezvous key has a TTL, so even the `volatile-*` policies can drop an offline inbox or an
 * idempotency or ACK record (the `allkeys-*` ones the election's epoch counter too), silently.
 * `refuse` (the default) fails createStore with StoreMisconfiguredError; `warn` logs it as an
 * error at start and runs anyway.
 */
export type EvictingRedisMode = 'refuse' | 'warn';

/** One node's policy, or why it could not be read. */
interface EvictionPolicyReading {
  node: string;
  policy?: string;
  unreadable?: string;
}

const FIX = "set it to noeviction (CONFIG SET maxmemory-policy noeviction, and in redis.conf; docs/runbook.md, 'Redis configuration'), or pass `evictingRedis: 'warn'` to createStore to run anyway.";

/**
 * Checks maxmemory-policy on every node that holds data (each master of a Cluster) before the
 * store is used. A node whose policy cannot be read (CONFIG and INFO both refused, or no answer)
 * is logged with the reason, not refused: managed Redis services often hide both.
 */
export async function checkEvictionPolicy(client: Redis | Cluster, mode: EvictingRedisMode, logger: Logger): Promise<void> {
  const nodes = client instanceof Cluster ? client.nodes('master') : [client];
  if (nodes.length === 0) {
    logger.warn({}, 'could not read maxmemory-policy: the Cluster client knows no master yet (connect it first); Rendezvous needs noeviction: check it by hand');
    return;
  }
  const deadlineMs = operationDeadlineMs(client);
  const readings = await Promise.all(nodes.map((node) => readPolicy(node, deadlineMs)));
  for (const reading of readings) {
    if (reading.unreadable !== undefined) {
      logger.warn({ node: reading.node, reason: reading.unreadable }, `could not read maxmemory-policy of Redis at ${reading.node} (${reading.unreadable}); Rendezvous needs noeviction: check it by hand`);
      continue;
    }
    if (reading.policy === 'noeviction') continue;
    const error = new StoreMisconfiguredError(reading.node, 'maxmemory-policy', reading.policy ?? '', FIX);
    if (mode === 'refuse') throw error;
    logger.error({ node: reading.node, policy: reading.policy, code: error.code }, `${error.message} (running anyway: evictingRedis is 'warn')`);
  }
}

/** CONFIG GET first; INFO memory when CONFIG is refused or renamed (its `maxmemory_policy` line). */
async function readPolicy(node: Redis, deadlineMs: number): Promise<EvictionPolicyReading> {
  const name = nodeName(node);
  const reasons: string[] = [];
  try {
    const reply = (await withDeadline(node.config('GET', 'maxmemory-policy'), deadlineMs)) as string[];
    if (reply[1]) return { node: name, policy: reply[1] };
    reasons.push('CONFIG GET gave no value');
  } catch (error) {
    reasons.push(`CONFIG GET: ${messageOf(error)}`);
  }
  try {
    const info = await withDeadline(node.info('memory'), deadlineMs);
    const policy = /^maxmemory_policy:(\S+)/m.exec(info)?.[1];
    if (policy) return { node: name, policy };
    reasons.push('INFO memory has no maxmemory_policy');
  } catch (error) {
    reasons.push(`INFO: ${messageOf(error)}`);
  }
  return { node: name, unreadable: reasons.join('; ') };
}
