/**
 * The Store port: the semantic operations coordination needs, as role interfaces (roles/): each
 * consumer depends on the roles it uses. Each operation is one Lua script (or one single-key
 * command) on Redis and one synchronous step on the memory store; the conformance suite holds
 * every adapter to the same behaviour.
 */

import type { InboxStore } from './roles/inbox.js';
import type { InboxViewStore } from './roles/inbox-view.js';
import type { LeaseStore } from './roles/lease.js';
import type { LivenessStore } from './roles/liveness.js';
import type { MaintenanceStore } from './roles/maintenance.js';
import type { SupervisionStore } from './roles/supervision.js';
import type { WorkStore } from './roles/work.js';

export type { StoreBase, Operations, StoreOperationEvent, StoreOperationListener } from './roles/base.js';
export type { InboxRef, StreamEntry, BlockingRead } from './roles/common.js';
export type { InboxStore, AppendOptions, AppendResult, PushListener, Subscription, AckWrite, AckResult, AckSnapshot } from './roles/inbox.js';
export type { LivenessStore, HeartbeatWrite, StoredHeartbeat, RegistryEntry } from './roles/liveness.js';
export type { WorkStore } from './roles/work.js';
export type { LeaseStore } from './roles/lease.js';
export type { SupervisionStore, Fence, EscalationTtls, EscalationResult, PendingSpawn } from './roles/supervision.js';
export type { MaintenanceStore } from './roles/maintenance.js';
export type { InboxViewStore, FleetPush, FleetPushListener } from './roles/inbox-view.js';

/** Every role: what an adapter implements (MemoryStore, RedisStore) and what createStore returns. */
export interface Store extends InboxStore, LivenessStore, WorkStore, LeaseStore, SupervisionStore, MaintenanceStore, InboxViewStore {}
