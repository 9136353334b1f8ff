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
      await this.sendTogether(coordinatorIds.map((id) => ['zrem', keys.registry(swarmId), id]));
    });
  }

  async *scanKeys(pattern: string, batchSize: number): AsyncIterable<string[]> {
    const nodes: RedisClient[] = this.client instanceof Cluster ? this.client.nodes('master') : [this.client];
    for (const node of nodes) {
      const stream = (node as Exclude<RedisClient, Cluster>).scanStream({ match: pattern, count: batchSize });
      const batches = stream[Symbol.asyncIterator]() as AsyncIterator<string[]>;
      for (;;) {
        const next = await this.call('scanKeys', () => batches.next()); // typed errors, like every other operation
        if (next.done) break;
        if (next.value.length > 0) yield next.value;
      }
    }
  }

  readStrings(keyList: readonly string[]): Promise<(string | null)[]> {
    // A key of another type answers WRONGTYPE: it is not a string, so null.
    return this.call('readStrings', () => this.sendTogether(keyList.map((key) => ['get', key]), null) as Promise<(string | null)[]>);
  }

  keyTtls(keyList: readonly string[]): Promise<number[]> {
    return this.call('keyTtls', () => this.sendTogether(keyList.map((key) => ['pttl', key])) as Promise<number[]>);
  }

  deleteKeys(keyList: readonly string[]): Promise<number> {
    return this.call('deleteKeys', async () => sum(await this.sendTogether(keyList.map((key) => ['unlink', key]))));
  }

  expireKeysWithoutTtl(keyList: readonly string[], ttlMs: number): Promise<number> {
    return this.call('expireKeysWithoutTtl', async () => sum(await this.sendTogether(keyList.map((key) => ['pexpire', key, String(ttlMs), 'NX']))));
  }
}

const sum = (values: unknown[]): number => values.reduce<number>((total, value) => total + Number(value), 0);
