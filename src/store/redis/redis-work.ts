import { keys } from '../../protocol/keys.js';
import type { Operations } from '../roles/base.js';
import type { InboxRef } from '../roles/common.js';
import type { WorkStore } from '../roles/work.js';
import type { RedisContext } from './redis-context.js';
import { putWorkScript } from './scripts/put-work.js';

/** Coordinators' work items on Redis: one hash per coordinator. */
export class RedisWork implements Operations<WorkStore> {
  readonly #redis: RedisContext;

  constructor(redis: RedisContext) {
    this.#redis = redis;
  }

  putWork(owner: InboxRef, taskId: string, body: string, ttlMs: number): Promise<void> {
    return this.#redis.call('putWork', () => putWorkScript.run(this.#redis.client, { owner, taskId, body, ttlMs }));
  }

  listWork(owner: InboxRef): Promise<Map<string, string>> {
    return this.#redis.call('listWork', async () => new Map(Object.entries(await this.#redis.client.hgetall(keys.work(owner.swarmId, owner.coordinatorId)))));
  }
}
