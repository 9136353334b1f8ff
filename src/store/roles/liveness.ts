import type { StoreBase } from './base.js';
import type { InboxRef } from './common.js';

export interface RegistryEntry {
  coordinatorId: string;
  /** Store ms of its last heartbeat. */
  lastSeen: number;
}

export interface StoredHeartbeat {
  body: string;
  /** Remaining lifetime, ms. */
  ttlMs: number;
}

export interface HeartbeatWrite {
  swarmId: string;
  coordinatorId: string;
  body: string;
  timestamp: number;
  ttlMs: number;
  registryTtlMs: number;
}

/** Signs of life: heartbeats, the swarm registries, and activity reported for a coordinator. */
export interface LivenessStore extends StoreBase {
  /**
   * Writes the heartbeat key, refreshes the coordinator's registry entry and lists its swarm in the
   * swarm set: every beat restores what the supervisor walks, so a Redis that lost its data (a
   * restart without persistence) is known again one heartbeat later.
   */
  beat(heartbeat: HeartbeatWrite): Promise<void>;

  /** A coordinator joins: its first beat (the same writes). */
  register(heartbeat: HeartbeatWrite): Promise<void>;

  /** Graceful leave: deletes the heartbeat key and the registry entry. */
  deregister(swarmId: string, coordinatorId: string): Promise<void>;

  getHeartbeat(coordinatorId: string): Promise<StoredHeartbeat | null>;

  listRegistry(swarmId: string): Promise<RegistryEntry[]>;

  /** Records activity reported for a coordinator (JSON with a store-ms `timestamp`). */
  recordActivity(owner: InboxRef, body: string, ttlMs: number): Promise<void>;
}
