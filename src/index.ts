/** Rendezvous: blocking coordination for multi-agent workflows. */
export { createStore, type CreateStoreOptions } from './store/create-store.js';
export type { Store, StoreBase, InboxStore, LivenessStore, WorkStore, LeaseStore, SupervisionStore, MaintenanceStore, InboxRef, StreamEntry, RegistryEntry, StoredHeartbeat, PushListener, Subscription } from './store/port.js';
export { MemoryStore } from './store/memory/memory-store.js';
export { RedisStore } from './store/redis/redis-store.js';

export {
  BlockingCoordinator,
  type BlockingCoordinatorOptions,
  type BlockOptions,
  type CoordinatorEvents,
} from './core/coordinator.js';
export type { SendOptions } from './core/outbox.js';
export type { AckOptions } from './core/inbox.js';
export type { WaitDescription } from './core/coordinator-observer.js';
export type { CoordinatorMetrics } from './core/coordinator-metrics.js';
export { COORDINATOR_DEFAULTS, type CoordinatorConfig } from './core/coordinator-options.js';
export type { SignalFilter } from './core/signal-filter.js';
export type { RejectionEvent } from './core/rejection-event.js';
export type { LocalClock } from './core/store-clock.js';
export type { HookName, HookOptions } from './core/hooks.js';

export { SIGNAL_TYPES, signalSigningString, deriveMessageId, type Signal, type SignalType, type KnownSignalType } from './protocol/signal.js';
export { ackSigningString, type Ack } from './protocol/ack.js';
export type { Heartbeat, CoordinatorStatus } from './protocol/heartbeat.js';
export type { WorkItem } from './protocol/work-item.js';
export type { RejectionReason } from './protocol/rejection.js';
export type { Logger } from './protocol/logger.js';
export { Keyring } from './protocol/keyring.js';
export { keys, CONSUMER_GROUP } from './protocol/keys.js';
export { DEFAULTS } from './protocol/defaults.js';
export { isValidId, assertId } from './protocol/ids.js';
export * from './protocol/errors.js';

export { GlobalCoordinator, type GlobalCoordinatorOptions } from './supervision/global-coordinator.js';
export { getGlobalCoordinator, type SharedGlobalCoordinatorOptions } from './supervision/global-coordinator-registry.js';
export { electionDefaults, type ElectionOptions, type ElectionConfig } from './supervision/election-options.js';
export type {
  LeaderChangedEvent,
  LeaseRenewedEvent,
  GlobalCoordinatorEvents,
  LeaderWorkContext,
  CoordinatorPlugin,
  ActiveWorker,
  GlobalCoordinatorMetrics,
} from './supervision/election/types.js';
export type { FencedOp, FencedResult, LeaseState, AcquireResult, WorkerRecord } from './store/lease-types.js';
export { globalKeys, hashTagOf } from './protocol/keys.js';
export { cleanupStaleState, type CleanupReport } from './supervision/cleanup.js';
export { cleanupDefaults, type CleanupOptions, type CleanupConfig } from './supervision/cleanup-options.js';
export { CoordinatorTimeoutHandler, type TimeoutHandlerOptions, type TimeoutHandlerMetrics } from './supervision/timeout-handler.js';
export { supervisorDefaults, type SupervisorOptions, type SupervisorConfig } from './supervision/supervisor-options.js';
export type { RecordActivityOptions } from './supervision/supervisor/activity-recorder.js';
export type {
  TimeoutHandlerEvents,
  CoordinatorWarningEvent,
  CoordinatorRecoveredEvent,
  CoordinatorTimeoutEvent,
  CoordinatorEscalatedEvent,
  EscalationFailedEvent,
  CleanupCompleteEvent,
  CleanupFailedEvent,
  DeadlockDetectedEvent,
} from './supervision/supervisor/events.js';
export { commandSpawner, recordOnlySpawner, type Spawner, type SpawnRequest } from './supervision/spawner.js';
export type { Activity } from './protocol/activity.js';
