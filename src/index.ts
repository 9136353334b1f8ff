/** Rendezvous: blocking coordination for multi-agent workflows. */
export { createStore, type CreateStoreOptions } from './store/create-store.js';
export type {
  Store,
  StoreBase,
  InboxStore,
  LivenessStore,
  WorkStore,
  LeaseStore,
  SupervisionStore,
  MaintenanceStore,
  InboxViewStore,
  FleetPush,
  FleetPushListener,
  InboxRef,
  StreamEntry,
  BlockingRead,
  RegistryEntry,
  StoredHeartbeat,
  HeartbeatWrite,
  PushListener,
  Subscription,
  AppendOptions,
  AppendResult,
  AckWrite,
  AckResult,
  AckSnapshot,
  Fence,
  EscalationTtls,
  EscalationResult,
  PendingSpawn,
  StoreOperationEvent,
  StoreOperationListener,
} from './store/port.js';
export { MemoryStore } from './store/memory/memory-store.js';
export type { LostStateCounts } from './store/lost-state.js';
export { RedisStore, type RedisStoreOptions } from './store/redis/redis-store.js';
export type { RedisClient } from './store/redis/lua-script.js';
export type { EvictingRedisMode } from './store/redis/eviction-policy.js';
export type { SentinelOptions } from './store/redis/sentinel.js';
export type { ReplicatedWrites } from './store/redis/replicated-writes-options.js';
export { StoreBreaker, type BreakerState, type BreakerStateChange, type BreakerSnapshot, type StoreBreakerDeps } from './store/store-breaker.js';
export { breakerDefaults, type BreakerOptions, type BreakerConfig } from './store/breaker-options.js';

export {
  BlockingCoordinator,
  type BlockingCoordinatorOptions,
  type BlockOptions,
  type AckWaitOptions,
  type CoordinatorEvents,
  type CoordinatorStore,
} from './core/coordinator.js';
export type { SecretOptions } from './core/secrets.js';
export type { SendOptions, SendResult } from './core/outbox.js';
export type { ForgedRecordEvent } from './core/forged-record.js';
export type { HeldLimitEvent } from './core/held-limit.js';
export type { AckOptions } from './core/inbox.js';
export type { WaitDescription, WaitEndedEvent, WaitOutcome, SignalSentEvent, SignalDelivery } from './core/coordinator-observer.js';
export type { CoordinatorMetrics } from './core/coordinator-metrics.js';
export { coordinatorDefaults, type CoordinatorConfig } from './core/coordinator-options.js';
export type { SignalFilter } from './core/signal-filter.js';
export type { RejectionEvent } from './core/rejection-event.js';
export type { LocalClock } from './core/store-clock.js';
export type { HookName, HookOptions } from './core/hooks.js';

export { SIGNAL_TYPES, signalSigningString, deriveMessageId, type Signal, type UnsignedSignal, type SignalType, type KnownSignalType } from './protocol/signal.js';
export { ackSigningString, type Ack, type UnsignedAck } from './protocol/ack.js';
export type { Heartbeat, CoordinatorStatus } from './protocol/heartbeat.js';
export type { WorkItem } from './protocol/work-item.js';
export type { RejectionReason } from './protocol/rejection.js';
export type { Logger } from './protocol/logger.js';
export { Keyring, type SignatureVerdict } from './protocol/keyring.js';
export { keys, CONSUMER_GROUP } from './protocol/keys.js';
export { isValidId, assertId, type IdKind } from './protocol/ids.js';
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
export type {
  FencedOp,
  FencedResult,
  FencedWriteOptions,
  LeaseState,
  LeaseHolder,
  LeaseClaim,
  LeaseRenewal,
  LeaseRelease,
  StoredLease,
  AcquireResult,
  WorkerRecord,
} from './store/lease-types.js';
export { globalKeys, hashTagOf } from './protocol/keys.js';
export { cleanupStaleState, type CleanupReport, type CleanupStore } from './supervision/cleanup.js';
export { cleanupDefaults, type CleanupOptions, type CleanupConfig } from './supervision/cleanup-options.js';
export { CoordinatorTimeoutHandler, type TimeoutHandlerOptions, type TimeoutHandlerMetrics } from './supervision/timeout-handler.js';
export type { CheckSummary } from './supervision/supervisor/check.js';
export { supervisorDefaults, type SupervisorOptions, type SupervisorConfig } from './supervision/supervisor-options.js';
export type { SupervisorStore } from './supervision/supervisor/context.js';
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
  ReplacementSpawnedEvent,
  CheckStartedEvent,
  CheckEndedEvent,
  SwarmCheckCounts,
  SupervisorLeadershipEvent,
} from './supervision/supervisor/events.js';
export { commandSpawner, recordOnlySpawner, type Spawner, type SpawnRequest } from './supervision/spawner.js';
export type { Activity } from './protocol/activity.js';

export { createMetrics, type MetricsOptions, type RendezvousMetrics } from './observability/create-metrics.js';
export { METRIC_NAMES, type MetricSpec, type MetricType, type MetricKey } from './observability/metric-names.js';
export type { ObservableCoordinator, ObservedCoordinatorEvents } from './observability/observe-coordinator.js';
export type { ObservableSupervisor, ObservedCoordinatorRef, ObservedSupervisorEvents, ObservedSupervisorCounts, ObservedSwarmCounts } from './observability/observe-supervisor.js';
export type { ObservableElection, ObservedElectionCounts } from './observability/observe-election.js';
export type { ObservableStore } from './observability/observe-store.js';
export type { ObservedCleanupReport, ObservedCleanupFailure } from './observability/observe-cleanup.js';
export type { ObservableWorkflow, ObservedWorkflowEvents } from './observability/observe-workflow.js';

export { ProductOwner, type ProductOwnerOptions, type OwnerCoordinator } from './workflows/product-owner.js';
export { ConsensusValidator, type ConsensusValidatorOptions, type ValidatorCoordinator, type ValidationRequest, type ValidationHandler } from './workflows/consensus-validator.js';
export { meanConfidence, type Decision, type ValidatorAnswer, type MissingValidator, type MissingReason, type ConsensusFunction, type MissingPolicy } from './workflows/decision.js';
export { DEFAULT_THRESHOLD, type RoundOptions, type RoundRequest } from './workflows/round-options.js';
export type { RoundResult } from './workflows/round-result.js';
export { DEFAULT_MAX_ITERATIONS, type LoopRequest, type LoopResult, type LoopEnd, type ImplementContext } from './workflows/consensus-loop.js';
export type { Verdict, RoundRequestPayload } from './workflows/round-protocol.js';
export type { ProductOwnerEvents, ConsensusValidatorEvents, RoundStartedEvent, RoundAnswerEvent, RoundFailedEvent, LoopIterationEvent, RequestEvent, RequestAnsweredEvent } from './workflows/events.js';
