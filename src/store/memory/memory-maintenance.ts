import { keys } from '../../protocol/keys.js';
import type { Operations } from '../roles/base.js';
import type { MaintenanceStore } from '../roles/maintenance.js';
import { globToRegExp } from './glob.js';
import type { MemoryKeyspace } from './memory-keyspace.js';

/** Keyspace maintenance on the embedded store: what SCAN, GET, PTTL, UNLINK and PEXPIRE NX do on Redis. */
export class MemoryMaintenance implements Operations<MaintenanceStore> {
  readonly #space: MemoryKeyspace;

  constructor(keyspace: MemoryKeyspace) {
    this.#space = keyspace;
  }

  async listSwarms(): Promise<string[]> {
    this.#space.open('listSwarms');
    return [...(this.#space.sets.get(keys.swarms()) ?? [])];
  }

  async pruneRegistry(swarmId: string, coordinatorIds: readonly string[]): Promise<void> {
    this.#space.open('pruneRegistry');
    const registry = this.#space.sortedSets.get(keys.registry(swarmId));
    for (const id of coordinatorIds) registry?.delete(id);
  }

  async *scanKeys(pattern: string, batchSize: number): AsyncIterable<string[]> {
    const space = this.#space;
    space.open('scanKeys');
    const match = globToRegExp(pattern);
    const all = space.spaces().flatMap((keyed) => [...keyed.keys()]).filter((key) => match.test(key));
    for (let i = 0; i < all.length; i += batchSize) yield all.slice(i, i + batchSize);
  }

  async readStrings(keyList: readonly string[]): Promise<(string | null)[]> {
    this.#space.open('readStrings');
    return keyList.map((key) => this.#space.strings.get(key) ?? null);
  }

  async keyTtls(keyList: readonly string[]): Promise<number[]> {
    const space = this.#space;
    space.open('keyTtls');
    return keyList.map((key) => {
      for (const keyed of space.spaces()) {
        const ttl = keyed.ttl(key);
        if (ttl !== undefined) return ttl === Number.POSITIVE_INFINITY ? -1 : Math.ceil(ttl);
      }
      return -2;
    });
  }

  async deleteKeys(keyList: readonly string[]): Promise<number> {
    const space = this.#space;
    space.open('deleteKeys');
    let deleted = 0;
    for (const key of keyList) {
      const existed = space.spaces().some((keyed) => keyed.ttl(key) !== undefined);
      for (const keyed of space.spaces()) keyed.delete(key);
      if (existed) deleted += 1;
    }
    return deleted;
  }

  async expireKeysWithoutTtl(keyList: readonly string[], ttlMs: number): Promise<number> {
    const space = this.#space;
    space.open('expireKeysWithoutTtl');
    let changed = 0;
    for (const key of keyList) {
      for (const keyed of space.spaces()) {
        if (keyed.ttl(key) === Number.POSITIVE_INFINITY && keyed.expire(key, ttlMs)) changed += 1;
      }
    }
    return changed;
  }
}
