import { decodeActivity } from '../../protocol/activity.js';
import { keys } from '../../protocol/keys.js';
import type { Operations } from '../roles/base.js';
import type { InboxRef } from '../roles/common.js';
import type { HeartbeatWrite, LivenessStore, RegistryEntry, StoredHeartbeat } from '../roles/liveness.js';
import type { MemoryKeyspace } from './memory-keyspace.js';

/** Heartbeats, swarm registries and reported activity on the embedded store. */
export class MemoryLiveness implements Operations<LivenessStore> {
  readonly #space: MemoryKeyspace;

  constructor(keyspace: MemoryKeyspace) {
    this.#space = keyspace;
  }

  async beat(hb: HeartbeatWrite): Promise<void> {
    const space = this.#space;
    space.open('beat');
    space.strings.set(keys.heartbeat(hb.coordinatorId), hb.body, hb.ttlMs);
    const registry = keys.registry(hb.swarmId);
    space.mapAt(space.sortedSets, registry, hb.registryTtlMs).set(hb.coordinatorId, hb.timestamp);
    space.sortedSets.expire(registry, hb.registryTtlMs);
    // A permanent key (SADD keeps whatever lifetime the set has).
    space.mapAt(space.sets, keys.swarms(), Number.POSITIVE_INFINITY, () => new Set<string>()).add(hb.swarmId);
  }

  async register(hb: HeartbeatWrite): Promise<void> {
    this.#space.open('register');
    await this.beat(hb);
  }

  async deregister(swarmId: string, coordinatorId: string): Promise<void> {
    this.#space.open('deregister');
    this.#space.strings.delete(keys.heartbeat(coordinatorId));
    this.#space.sortedSets.get(keys.registry(swarmId))?.delete(coordinatorId);
  }

  async getHeartbeat(coordinatorId: string): Promise<StoredHeartbeat | null> {
    this.#space.open('getHeartbeat');
    const key = keys.heartbeat(coordinatorId);
    const body = this.#space.strings.get(key);
    const ttlMs = this.#space.strings.ttl(key);
    return body === undefined || ttlMs === undefined ? null : { body, ttlMs };
  }

  async listRegistry(swarmId: string): Promise<RegistryEntry[]> {
    this.#space.open('listRegistry');
    const registry = this.#space.sortedSets.get(keys.registry(swarmId));
    return registry ? [...registry].map(([coordinatorId, lastSeen]) => ({ coordinatorId, lastSeen })) : [];
  }

  async recordActivity(owner: InboxRef, body: string, ttlMs: number): Promise<void> {
    const space = this.#space;
    space.open('recordActivity');
    const { timestamp } = decodeActivity(body);
    space.strings.set(keys.activity(owner.swarmId, owner.coordinatorId), body, ttlMs);
    // Listed where the supervisor looks, as on Redis: ZADD GT, PEXPIRE NX then GT, SADD.
    const registry = keys.registry(owner.swarmId);
    const members = space.mapAt(space.sortedSets, registry, ttlMs);
    members.set(owner.coordinatorId, Math.max(members.get(owner.coordinatorId) ?? Number.NEGATIVE_INFINITY, timestamp));
    const left = space.sortedSets.ttl(registry) ?? 0;
    if (left === Number.POSITIVE_INFINITY || left < ttlMs) space.sortedSets.expire(registry, ttlMs);
    space.mapAt(space.sets, keys.swarms(), Number.POSITIVE_INFINITY, () => new Set<string>()).add(owner.swarmId);
  }
}
