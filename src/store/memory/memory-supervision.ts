import { decodeActivity } from '../../protocol/activity.js';
import { globalKeys, keys } from '../../protocol/keys.js';
import type { BlockingRead, EscalationResult, EscalationTtls, Fence, InboxRef, StreamEntry } from '../port.js';
import { MemoryLeases } from './memory-leases.js';
import { PUSH_RESYNC } from '../push.js';

const FENCE_TTL_MS = 7 * 86_400_000;
const EVENT_LOG_CAP = 1_000;

/** The supervision operations of the embedded store, with the semantics of the Lua scripts. */
export class MemorySupervision extends MemoryLeases {
  async recordActivity(owner: InboxRef, body: string, ttlMs: number): Promise<void> {
    this.open('recordActivity');
    const { timestamp } = decodeActivity(body);
    this.strings.set(keys.activity(owner.swarmId, owner.coordinatorId), body, ttlMs);
    // Listed where the supervisor looks, as Redis does it: ZADD GT, PEXPIRE NX and GT, SADD.
    const registry = keys.registry(owner.swarmId);
    const members = this.mapAt(this.sortedSets, registry, ttlMs);
    members.set(owner.coordinatorId, Math.max(members.get(owner.coordinatorId) ?? Number.NEGATIVE_INFINITY, timestamp));
    if ((this.sortedSets.ttl(registry) ?? 0) < ttlMs) this.sortedSets.expire(registry, ttlMs);
    this.sets.set(keys.swarms(), (this.sets.get(keys.swarms()) ?? new Set<string>()).add(owner.swarmId));
  }

  async warnCoordinator(owner: InboxRef, fence: Fence, ttlMs: number): Promise<number> {
    this.open('warnCoordinator');
    if (!this.#pass(owner.swarmId, fence)) return -1;
    const key = keys.warning(owner.swarmId, owner.coordinatorId);
    const count = Number(this.strings.get(key) ?? 0) + 1;
    this.strings.set(key, String(count), ttlMs);
    return count;
  }

  async clearWarnings(owner: InboxRef, fence: Fence): Promise<number> {
    this.open('clearWarnings');
    const key = keys.warning(owner.swarmId, owner.coordinatorId);
    const count = Number(this.strings.get(key) ?? 0);
    if (count === 0) return 0;
    if (!this.#pass(owner.swarmId, fence)) return -1;
    this.strings.delete(key);
    return count;
  }

  async escalate(dead: InboxRef, newId: string, fence: Fence, ttls: EscalationTtls): Promise<EscalationResult> {
    this.open('escalate');
    const { swarmId, coordinatorId: deadId } = dead;
    const recordKey = keys.escalation(swarmId, deadId);
    const existing = this.strings.get(recordKey);
    if (existing !== undefined) {
      return { newCoordinatorId: (JSON.parse(existing) as { newCoordinatorId: string }).newCoordinatorId, outcome: 'existing', workItemsMoved: 0, signalsMoved: 0 };
    }
    if (!this.#pass(swarmId, fence)) return { newCoordinatorId: '', outcome: 'fenced', workItemsMoved: 0, signalsMoved: 0 };
    const now = Date.now();
    const items = this.hashes.get(keys.work(swarmId, deadId)) ?? new Map<string, string>();
    if (items.size > 0) {
      const target = this.mapAt(this.hashes, keys.work(swarmId, newId), ttls.workTtlMs);
      for (const [taskId, body] of items) {
        target.set(taskId, `{"assignedTo":"${newId}","transferredFrom":"${deadId}","transferredAt":${now},"previous":${body}}`);
      }
      this.hashes.expire(keys.work(swarmId, newId), ttls.workTtlMs);
    }
    this.hashes.delete(keys.work(swarmId, deadId));
    const pending = this.streams.get(keys.inbox(swarmId, deadId))?.all() ?? [];
    if (pending.length > 0) {
      const inbox = this.stream(keys.inbox(swarmId, newId), ttls.inboxTtlMs);
      for (const entry of pending) if (entry.body !== null) inbox.appendWithId(entry.id, entry.body, now);
      this.streams.expire(keys.inbox(swarmId, newId), ttls.inboxTtlMs);
      this.publish(keys.push(swarmId, newId), PUSH_RESYNC); // a replacement already running reads them now
    }
    this.streams.delete(keys.inbox(swarmId, deadId));
    const record = { deadCoordinatorId: deadId, newCoordinatorId: newId, swarmId, epoch: fence.epoch, escalatedAt: now, workItems: items.size, signals: pending.length };
    this.strings.set(recordKey, JSON.stringify(record), ttls.recordTtlMs);
    const request = { newCoordinatorId: newId, replaces: deadId, swarmId, requestedAt: now, status: 'requested' };
    this.strings.set(keys.spawn(swarmId, newId), JSON.stringify(request), ttls.recordTtlMs);
    this.mapAt(this.sortedSets, keys.pendingSpawns(swarmId), ttls.recordTtlMs).set(newId, now);
    this.sortedSets.expire(keys.pendingSpawns(swarmId), ttls.recordTtlMs);
    const event = { type: 'replacement', oldCoordinatorId: deadId, newCoordinatorId: newId, swarmId, epoch: fence.epoch, at: now };
    this.appendEntry(keys.swarmEvents(swarmId), JSON.stringify(event), ttls.recordTtlMs);
    this.streams.get(keys.swarmEvents(swarmId))?.trim(EVENT_LOG_CAP);
    this.strings.delete(keys.warning(swarmId, deadId));
    this.sortedSets.get(keys.registry(swarmId))?.delete(deadId);
    return { newCoordinatorId: newId, outcome: 'created', workItemsMoved: items.size, signalsMoved: pending.length };
  }

  async pendingSpawns(swarmId: string): Promise<{ newCoordinatorId: string; replaces: string; requestedAt: number }[]> {
    this.open('pendingSpawns');
    const pending = [...(this.sortedSets.get(keys.pendingSpawns(swarmId)) ?? [])].sort((a, b) => a[1] - b[1]);
    return pending.flatMap(([newCoordinatorId, requestedAt]) => {
      const request = this.strings.get(keys.spawn(swarmId, newCoordinatorId));
      const replaces = request ? (JSON.parse(request) as { replaces?: string }).replaces : undefined;
      return replaces ? [{ newCoordinatorId, replaces, requestedAt }] : [];
    });
  }

  async markSpawned(swarmId: string, newId: string, fence: Fence): Promise<boolean> {
    this.open('markSpawned');
    if (!this.#pass(swarmId, fence)) return false;
    this.sortedSets.get(keys.pendingSpawns(swarmId))?.delete(newId);
    const key = keys.spawn(swarmId, newId);
    const request = this.strings.get(key);
    if (request === undefined) return false;
    this.strings.set(key, JSON.stringify({ ...(JSON.parse(request) as object), status: 'spawned' }), this.strings.ttl(key) ?? 1);
    return true;
  }

  async readSwarmEvents(swarmId: string, afterId: string, read: BlockingRead): Promise<StreamEntry[]> {
    this.open('readSwarmEvents');
    return this.readStreamAfter(keys.swarmEvents(swarmId), afterId, read);
  }

  /** The fence check of the scripts: a term below the newest that wrote in this swarm's slot is out. */
  #pass(swarmId: string, fence: Fence): boolean {
    const key = globalKeys.fence(swarmId, fence.namespace);
    if (fence.epoch < 1 || fence.epoch < Number(this.strings.get(key) ?? 0)) return false;
    this.strings.set(key, String(fence.epoch), FENCE_TTL_MS);
    return true;
  }
}
