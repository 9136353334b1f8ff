import { keys } from '../../protocol/keys.js';
import type { Operations } from '../roles/base.js';
import type { BlockingRead, InboxRef, StreamEntry } from '../roles/common.js';
import type { EscalationResult, EscalationTtls, Fence, PendingSpawn, SupervisionStore } from '../roles/supervision.js';
import { replacesOf } from '../spawn-request.js';
import type { RedisContext } from './redis-context.js';
import { clearWarningScript } from './scripts/clear-warning.js';
import { escalateScript } from './scripts/escalate.js';
import { markSpawnedScript } from './scripts/mark-spawned.js';
import { warnScript } from './scripts/warn.js';

/** The supervision operations of the Redis adapter: one Lua script each, on the swarm's slot. */
export class RedisSupervision implements Operations<SupervisionStore> {
  readonly #redis: RedisContext;

  constructor(redis: RedisContext) {
    this.#redis = redis;
  }

  warnCoordinator(owner: InboxRef, fence: Fence, ttlMs: number): Promise<number> {
    return this.#redis.call('warnCoordinator', () => warnScript.run(this.#redis.client, { owner, fence, ttlMs }));
  }

  clearWarnings(owner: InboxRef, fence: Fence): Promise<number> {
    return this.#redis.call('clearWarnings', () => clearWarningScript.run(this.#redis.client, { owner, fence }));
  }

  escalate(dead: InboxRef, replacementId: string, fence: Fence, ttls: EscalationTtls): Promise<EscalationResult> {
    return this.#redis.call('escalate', () => escalateScript.run(this.#redis.client, { dead, replacementId, fence, ttls }));
  }

  pendingSpawns(swarmId: string): Promise<PendingSpawn[]> {
    const { client } = this.#redis;
    return this.#redis.call('pendingSpawns', async () => {
      const flat = await client.zrange(keys.pendingSpawns(swarmId), 0, -1, 'WITHSCORES');
      const ids = flat.filter((_, i) => i % 2 === 0);
      const requests = ids.length > 0 ? await client.mget(ids.map((id) => keys.spawn(swarmId, id))) : [];
      return ids.flatMap((replacementId, i) => {
        const replaces = replacesOf(requests[i]);
        return replaces ? [{ replacementId, replaces, requestedAt: Number(flat[2 * i + 1]) }] : [];
      });
    });
  }

  markSpawned(swarmId: string, replacementId: string, fence: Fence): Promise<boolean> {
    return this.#redis.call('markSpawned', () => markSpawnedScript.run(this.#redis.client, { swarmId, replacementId, fence }));
  }

  readSwarmEvents(swarmId: string, afterId: string, read: BlockingRead): Promise<StreamEntry[]> {
    return this.#redis.readStreamBlocking('readSwarmEvents', keys.swarmEvents(swarmId), afterId, read);
  }
}
