import { Cluster } from 'ioredis';
import { keys } from '../../protocol/keys.js';
import type { RedisClient } from './lua-script.js';
import { RedisLeases } from './redis-leases.js';

/**
 * Keyspace maintenance for cleanup: SCAN (on every master of a Cluster), and single-key commands
 * sent together (a pipeline on one server; on a Cluster, each to its node at once). Never KEYS,
 * never a multi-key write outside a script.
 */
export class RedisMaintenance extends RedisLeases {
  listSwarms(): Promise<string[]> {
    return this.call('listSwarms', () => this.client.smembers(keys.swarms()));
  }

  unregister(swarmId: string, coordinatorIds: readonly string[]): Promise<void> {
    return this.call('unregister', async () => {
      await this.#each(coordinatorIds.map((id) => ['zrem', keys.registry(swarmId), id]));
    });
  }

  async *scanKeys(pattern: string, batchSize: number): AsyncIterable<string[]> {
    const nodes: RedisClient[] = this.client instanceof Cluster ? this.client.nodes('master') : [this.client];
    for (const node of nodes) {
      const stream = (node as Exclude<RedisClient, Cluster>).scanStream({ match: pattern, count: batchSize });
      for await (const batch of stream as AsyncIterable<string[]>) if (batch.length > 0) yield batch;
    }
  }

  readStrings(keyList: readonly string[]): Promise<(string | null)[]> {
    // A key of another type answers WRONGTYPE: it is not a string, so null.
    return this.call('readStrings', () => this.#each(keyList.map((key) => ['get', key]), null) as Promise<(string | null)[]>);
  }

  keyTtls(keyList: readonly string[]): Promise<number[]> {
    return this.call('keyTtls', () => this.#each(keyList.map((key) => ['pttl', key])) as Promise<number[]>);
  }

  deleteKeys(keyList: readonly string[]): Promise<number> {
    return this.call('deleteKeys', async () => sum(await this.#each(keyList.map((key) => ['unlink', key]))));
  }

  expireKeysWithoutTtl(keyList: readonly string[], ttlMs: number): Promise<number> {
    return this.call('expireKeysWithoutTtl', async () => sum(await this.#each(keyList.map((key) => ['pexpire', key, String(ttlMs), 'NX']))));
  }

  /**
   * Sends single-key commands together: one pipeline on a standalone server; on a Cluster, each
   * to its node at once. Results in order; a failed command throws, or gives `onError` if set.
   */
  async #each(commands: readonly string[][], ...onError: [unknown?]): Promise<unknown[]> {
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

const sum = (values: unknown[]): number => values.reduce<number>((total, value) => total + Number(value), 0);
