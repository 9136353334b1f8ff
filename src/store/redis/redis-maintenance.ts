import { Cluster } from 'ioredis';
import { keys } from '../../protocol/keys.js';
import type { Operations } from '../roles/base.js';
import type { MaintenanceStore } from '../roles/maintenance.js';
import type { RedisClient } from './lua-script.js';
import { slotGroups } from './slot-groups.js';
import type { RedisContext } from './redis-context.js';

/**
 * Keyspace maintenance for cleanup: SCAN (on every master of a Cluster), and single-key commands
 * sent together (a pipeline on one server; on a Cluster, each to its node at once). Never KEYS,
 * never a multi-key write outside a script.
 */
export class RedisMaintenance implements Operations<MaintenanceStore> {
  readonly #redis: RedisContext;

  constructor(redis: RedisContext) {
    this.#redis = redis;
  }

  listSwarms(): Promise<string[]> {
    return this.#redis.call('listSwarms', () => this.#redis.client.smembers(keys.swarms()));
  }

  pruneRegistry(swarmId: string, coordinatorIds: readonly string[]): Promise<void> {
    return this.#redis.call('pruneRegistry', async () => {
      await this.#redis.sendTogether(coordinatorIds.map((id) => ['zrem', keys.registry(swarmId), id]));
    });
  }

  async *scanKeys(pattern: string, batchSize: number): AsyncIterable<string[]> {
    const { client } = this.#redis;
    const nodes: RedisClient[] = client instanceof Cluster ? client.nodes('master') : [client];
    for (const node of nodes) {
      const stream = (node as Exclude<RedisClient, Cluster>).scanStream({ match: pattern, count: batchSize });
      const batches = stream[Symbol.asyncIterator]() as AsyncIterator<string[]>;
      for (;;) {
        const next = await this.#redis.call('scanKeys', () => batches.next()); // typed errors, like every other operation
        if (next.done) break;
        if (next.value.length > 0) yield next.value;
      }
    }
  }

  readStrings(keyList: readonly string[]): Promise<(string | null)[]> {
    // MGET in chunks of one slot each: 10,000 keys cost ~10 commands, not 10,000 (a pipeline of
    // GETs costs a client-side object and promise per key). MGET answers nil for a key of another
    // type, as a GET refused with WRONGTYPE reads here: not a string, so null.
    return this.#redis.call('readStrings', async () => {
      const { client } = this.#redis;
      const values = new Array<string | null>(keyList.length).fill(null);
      await Promise.all(
        slotGroups(client, keyList).map(async (positions) => {
          const replies = await client.mget(positions.map((i) => keyList[i]!));
          positions.forEach((i, j) => (values[i] = replies[j] ?? null));
        }),
      );
      return values;
    });
  }

  keyTtls(keyList: readonly string[]): Promise<number[]> {
    return this.#redis.call('keyTtls', () => this.#redis.sendTogether(keyList.map((key) => ['pttl', key])) as Promise<number[]>);
  }

  deleteKeys(keyList: readonly string[]): Promise<number> {
    return this.#redis.call('deleteKeys', async () => sum(await this.#redis.sendTogether(keyList.map((key) => ['unlink', key]))));
  }

  expireKeysWithoutTtl(keyList: readonly string[], ttlMs: number): Promise<number> {
    return this.#redis.call('expireKeysWithoutTtl', async () => sum(await this.#redis.sendTogether(keyList.map((key) => ['pexpire', key, String(ttlMs), 'NX']))));
  }
}

const sum = (values: unknown[]): number => values.reduce<number>((total, value) => total + Number(value), 0);
