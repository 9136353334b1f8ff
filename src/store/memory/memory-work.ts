import { keys } from '../../protocol/keys.js';
import type { Operations } from '../roles/base.js';
import type { InboxRef } from '../roles/common.js';
import type { WorkStore } from '../roles/work.js';
import type { MemoryKeyspace } from './memory-keyspace.js';

/** Coordinators' work items on the embedded store. */
export class MemoryWork implements Operations<WorkStore> {
  readonly #space: MemoryKeyspace;

  constructor(keyspace: MemoryKeyspace) {
    this.#space = keyspace;
  }

  async putWork(owner: InboxRef, taskId: string, body: string, ttlMs: number): Promise<void> {
    this.#space.open('putWork');
    const key = keys.work(owner.swarmId, owner.coordinatorId);
    this.#space.mapAt(this.#space.hashes, key, ttlMs).set(taskId, body);
    this.#space.hashes.expire(key, ttlMs);
  }

  async listWork(owner: InboxRef): Promise<Map<string, string>> {
    this.#space.open('listWork');
    return new Map(this.#space.hashes.get(keys.work(owner.swarmId, owner.coordinatorId)) ?? []);
  }
}
