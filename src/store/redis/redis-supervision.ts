import { decodeActivity } from '../../protocol/activity.js';
import { CONSUMER_GROUP, globalKeys, keys } from '../../protocol/keys.js';
import type { BlockingRead, EscalationResult, EscalationTtls, Fence, InboxRef, StreamEntry } from '../port.js';
import { scripts } from './lua-script.js';
import { RedisMaintenance } from './redis-maintenance.js';

const FENCE_TTL_MS = 7 * 86_400_000;
const EVENT_LOG_CAP = 1_000;

/** The supervision operations of the Redis adapter: one Lua script each, on the swarm's slot. */
export class RedisSupervision extends RedisMaintenance {
  /**
   * Single-key commands sent together, as a heartbeat's (no invariant spans them; the swarm set is
   * in another slot): the record, the registry entry raised to its time (never lowered below a
   * heartbeat's), the registry's lifetime set if it had none or extended, and the swarm listed.
   */
  async recordActivity(owner: InboxRef, body: string, ttlMs: number): Promise<void> {
    const { timestamp } = decodeActivity(body);
    await this.call('recordActivity', async () => {
      const registry = keys.registry(owner.swarmId);
      const ttl = String(ttlMs);
      await this.sendTogether([
        ['set', keys.activity(owner.swarmId, owner.coordinatorId), body, 'PX', ttl],
        ['zadd', registry, 'GT', String(timestamp), owner.coordinatorId],
        ['pexpire', registry, ttl, 'NX'],
        ['pexpire', registry, ttl, 'GT'],
        ['sadd', keys.swarms(), owner.swarmId],
      ]);
    });
  }

  warnCoordinator(owner: InboxRef, fence: Fence, ttlMs: number): Promise<number> {
    return this.call('warnCoordinator', async () => {
      const keyList = [globalKeys.fence(owner.swarmId, fence.namespace), keys.warning(owner.swarmId, owner.coordinatorId)];
      return Number(await scripts.warn.run(this.client, keyList, [fence.epoch, ttlMs, FENCE_TTL_MS]));
    });
  }

  clearWarnings(owner: InboxRef, fence: Fence): Promise<number> {
    return this.call('clearWarnings', async () => {
      const keyList = [globalKeys.fence(owner.swarmId, fence.namespace), keys.warning(owner.swarmId, owner.coordinatorId)];
      return Number(await scripts.clearWarning.run(this.client, keyList, [fence.epoch, FENCE_TTL_MS]));
    });
  }

  escalate(dead: InboxRef, newId: string, fence: Fence, ttls: EscalationTtls): Promise<EscalationResult> {
    const { swarmId, coordinatorId: deadId } = dead;
    return this.call('escalate', async () => {
      const [replacement, outcome, moved, signals] = (await scripts.escalate.run(
        this.client,
        [
          globalKeys.fence(swarmId, fence.namespace),
          keys.escalation(swarmId, deadId),
          keys.spawn(swarmId, newId),
          keys.work(swarmId, deadId),
          keys.work(swarmId, newId),
          keys.swarmEvents(swarmId),
          keys.warning(swarmId, deadId),
          keys.registry(swarmId),
          keys.inbox(swarmId, deadId),
          keys.inbox(swarmId, newId),
          keys.pendingSpawns(swarmId),
        ],
        [
          fence.epoch, swarmId, deadId, newId, FENCE_TTL_MS, ttls.recordTtlMs, ttls.workTtlMs,
          keys.replacementChannel(swarmId), EVENT_LOG_CAP, CONSUMER_GROUP, ttls.inboxTtlMs, keys.push(swarmId, newId),
        ],
      )) as [string, number, number, number];
      const outcomes = { 1: 'created', 0: 'existing', [-1]: 'fenced' } as const;
      return { newCoordinatorId: replacement, outcome: outcomes[outcome as 1 | 0 | -1], workItemsMoved: moved, signalsMoved: signals };
    });
  }

  pendingSpawns(swarmId: string): Promise<{ newCoordinatorId: string; replaces: string; requestedAt: number }[]> {
    return this.call('pendingSpawns', async () => {
      const flat = await this.client.zrange(keys.pendingSpawns(swarmId), 0, -1, 'WITHSCORES');
      const ids = flat.filter((_, i) => i % 2 === 0);
      const requests = ids.length > 0 ? await this.client.mget(ids.map((id) => keys.spawn(swarmId, id))) : [];
      return ids.flatMap((newCoordinatorId, i) => {
        const request = requests[i] ? (JSON.parse(requests[i]!) as { replaces?: string }) : undefined;
        return request?.replaces ? [{ newCoordinatorId, replaces: request.replaces, requestedAt: Number(flat[2 * i + 1]) }] : [];
      });
    });
  }

  markSpawned(swarmId: string, newId: string, fence: Fence): Promise<boolean> {
    return this.call('markSpawned', async () => {
      const keyList = [globalKeys.fence(swarmId, fence.namespace), keys.spawn(swarmId, newId), keys.pendingSpawns(swarmId)];
      return Number(await scripts.markSpawned.run(this.client, keyList, [fence.epoch, FENCE_TTL_MS, newId])) === 1;
    });
  }

  readSwarmEvents(swarmId: string, afterId: string, read: BlockingRead): Promise<StreamEntry[]> {
    return this.readStreamBlocking('readSwarmEvents', keys.swarmEvents(swarmId), afterId, read);
  }
}
