import { globalKeys, keys } from '../../protocol/keys.js';
import { PUSH_RESYNC } from '../push.js';
import { RESULT_CODES } from '../result-codes.js';
import { SWARM_EVENT_LOG_CAP } from '../retention.js';
import type { Operations } from '../roles/base.js';
import { replacesOf } from '../spawn-request.js';
import type { BlockingRead, InboxRef, StreamEntry } from '../roles/common.js';
import type { EscalationResult, EscalationTtls, Fence, PendingSpawn, SupervisionStore } from '../roles/supervision.js';
import { fencedOutBy, holdFence } from './fence.js';
import type { MemoryKeyspace } from './memory-keyspace.js';

/** The supervision operations of the embedded store, with the semantics of the Lua scripts. */
export class MemorySupervision implements Operations<SupervisionStore> {
  readonly #space: MemoryKeyspace;

  constructor(keyspace: MemoryKeyspace) {
    this.#space = keyspace;
  }

  async warnCoordinator(owner: InboxRef, fence: Fence, ttlMs: number): Promise<number> {
    this.#space.open('warnCoordinator');
    if (!this.#pass(owner.swarmId, fence)) return RESULT_CODES.FENCED;
    const key = keys.warning(owner.swarmId, owner.coordinatorId);
    const count = Number(this.#space.strings.get(key) ?? 0) + 1;
    this.#space.strings.set(key, String(count), ttlMs);
    return count;
  }

  async clearWarnings(owner: InboxRef, fence: Fence): Promise<number> {
    this.#space.open('clearWarnings');
    // As clear-warning.lua: a stale term is out even with nothing to clear; clearing nothing takes no fence.
    const fenceKey = globalKeys.fence(owner.swarmId, fence.namespace);
    if (fencedOutBy(this.#space, fenceKey, fence.epoch) !== undefined) return RESULT_CODES.FENCED;
    const key = keys.warning(owner.swarmId, owner.coordinatorId);
    const count = Number(this.#space.strings.get(key) ?? 0);
    if (count > 0) {
      holdFence(this.#space, fenceKey, fence.epoch);
      this.#space.strings.delete(key);
    }
    return count;
  }

  async escalate(dead: InboxRef, replacementId: string, fence: Fence, ttls: EscalationTtls): Promise<EscalationResult> {
    this.#space.open('escalate');
    const { swarmId, coordinatorId: deadId } = dead;
    const recordKey = keys.escalation(swarmId, deadId);
    const existing = this.#space.strings.get(recordKey);
    if (existing !== undefined) {
      return { replacementId: (JSON.parse(existing) as { newCoordinatorId: string }).newCoordinatorId, outcome: 'existing', workItemsMoved: 0, signalsMoved: 0 };
    }
    if (!this.#pass(swarmId, fence)) return { replacementId: '', outcome: 'fenced', workItemsMoved: 0, signalsMoved: 0 };
    const now = Date.now();
    const items = this.#space.hashes.get(keys.work(swarmId, deadId)) ?? new Map<string, string>();
    if (items.size > 0) {
      const target = this.#space.mapAt(this.#space.hashes, keys.work(swarmId, replacementId), ttls.workTtlMs);
      for (const [taskId, body] of items) {
        target.set(taskId, `{"assignedTo":"${replacementId}","transferredFrom":"${deadId}","transferredAt":${now},"previous":${body}}`);
      }
      this.#space.hashes.expire(keys.work(swarmId, replacementId), ttls.workTtlMs);
    }
    this.#space.hashes.delete(keys.work(swarmId, deadId));
    const pending = this.#space.streams.get(keys.inbox(swarmId, deadId))?.all() ?? [];
    if (pending.length > 0) {
      const inbox = this.#space.stream(keys.inbox(swarmId, replacementId), ttls.inboxTtlMs);
      for (const entry of pending) if (entry.body !== null) inbox.appendWithId(entry.entryId, entry.body, now);
      this.#space.streams.expire(keys.inbox(swarmId, replacementId), ttls.inboxTtlMs);
      this.#space.publish(keys.push(swarmId, replacementId), PUSH_RESYNC); // a replacement already running reads them now
    }
    this.#space.streams.delete(keys.inbox(swarmId, deadId));
    const record = { deadCoordinatorId: deadId, newCoordinatorId: replacementId, swarmId, epoch: fence.epoch, escalatedAt: now, workItems: items.size, signals: pending.length };
    this.#space.strings.set(recordKey, JSON.stringify(record), ttls.recordTtlMs);
    const request = { newCoordinatorId: replacementId, replaces: deadId, swarmId, requestedAt: now, status: 'requested' };
    this.#space.strings.set(keys.spawn(swarmId, replacementId), JSON.stringify(request), ttls.recordTtlMs);
    this.#space.mapAt(this.#space.sortedSets, keys.pendingSpawns(swarmId), ttls.recordTtlMs).set(replacementId, now);
    this.#space.sortedSets.expire(keys.pendingSpawns(swarmId), ttls.recordTtlMs);
    const event = { type: 'replacement', oldCoordinatorId: deadId, newCoordinatorId: replacementId, swarmId, epoch: fence.epoch, at: now };
    this.#space.appendEntry(keys.swarmEvents(swarmId), JSON.stringify(event), ttls.recordTtlMs);
    this.#space.streams.get(keys.swarmEvents(swarmId))?.trim(SWARM_EVENT_LOG_CAP);
    this.#space.strings.delete(keys.warning(swarmId, deadId));
    this.#space.sortedSets.get(keys.registry(swarmId))?.delete(deadId);
    return { replacementId: replacementId, outcome: 'created', workItemsMoved: items.size, signalsMoved: pending.length };
  }

  async pendingSpawns(swarmId: string): Promise<PendingSpawn[]> {
    this.#space.open('pendingSpawns');
    const pending = [...(this.#space.sortedSets.get(keys.pendingSpawns(swarmId)) ?? [])].sort((a, b) => a[1] - b[1]);
    return pending.flatMap(([replacementId, requestedAt]) => {
      const replaces = replacesOf(this.#space.strings.get(keys.spawn(swarmId, replacementId)));
      return replaces ? [{ replacementId, replaces, requestedAt }] : [];
    });
  }

  async markSpawned(swarmId: string, replacementId: string, fence: Fence): Promise<boolean> {
    this.#space.open('markSpawned');
    if (!this.#pass(swarmId, fence)) return false;
    this.#space.sortedSets.get(keys.pendingSpawns(swarmId))?.delete(replacementId);
    const key = keys.spawn(swarmId, replacementId);
    const request = this.#space.strings.get(key);
    if (request === undefined) return false;
    this.#space.strings.set(key, JSON.stringify({ ...(JSON.parse(request) as object), status: 'spawned' }), this.#space.strings.ttl(key) ?? 1);
    return true;
  }

  async readSwarmEvents(swarmId: string, afterId: string, read: BlockingRead): Promise<StreamEntry[]> {
    this.#space.open('readSwarmEvents');
    return this.#space.readStreamAfter(keys.swarmEvents(swarmId), afterId, read);
  }

  /** The fence check of the scripts: a term below the newest that wrote in this swarm's slot is out; one that passes holds the fence. */
  #pass(swarmId: string, fence: Fence): boolean {
    const key = globalKeys.fence(swarmId, fence.namespace);
    if (fencedOutBy(this.#space, key, fence.epoch) !== undefined) return false;
    holdFence(this.#space, key, fence.epoch);
    return true;
  }
}
