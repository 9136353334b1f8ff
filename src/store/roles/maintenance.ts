import type { StoreBase } from './base.js';

/** Keyspace maintenance (supervision/cleanup.ts): the swarm set, the registries, and keys by pattern. */
export interface MaintenanceStore extends StoreBase {
  /** Every swarm that registered a coordinator. */
  listSwarms(): Promise<string[]>;

  /** Removes coordinators from a swarm's registry. */
  pruneRegistry(swarmId: string, coordinatorIds: readonly string[]): Promise<void>;

  /**
   * The keys matching a glob pattern, a batch at a time: SCAN on Redis (on every master of a
   * Cluster), never KEYS, so the store is never held for more than one small step.
   */
  scanKeys(pattern: string, batchSize: number): AsyncIterable<string[]>;

  /** Values of string keys (null where missing or not a string). */
  readStrings(keys: readonly string[]): Promise<(string | null)[]>;

  /** Remaining lifetime per key, ms: -1 when it has none, -2 when it does not exist. */
  keyTtls(keys: readonly string[]): Promise<number[]>;

  /** Deletes keys; returns how many existed. */
  deleteKeys(keys: readonly string[]): Promise<number>;

  /** Gives keys that have no lifetime this one; returns how many were changed. */
  expireKeysWithoutTtl(keys: readonly string[], ttlMs: number): Promise<number>;
}
