/**
 * The events of the supervisor (CoordinatorTimeoutHandler). The same field means the same thing
 * in each: `coordinatorId` is the coordinator the event is about, `swarmId` its swarm, `silentMs`
 * how long it had been silent (store clock), `replacementId` the coordinator that replaces it.
 */

/** A silent coordinator was warned (once per check while it stays silent). */
export interface CoordinatorWarningEvent {
  coordinatorId: string;
  swarmId: string;
  /** Its warnings so far, this one included (kept in the store: a supervisor failover continues it). */
  count: number;
  silentMs: number;
}

/** A warned coordinator showed a sign of life again; its warnings were cleared. */
export interface CoordinatorRecoveredEvent {
  coordinatorId: string;
  swarmId: string;
  /** The warnings it had. */
  warnings: number;
}

/** A coordinator's first warning: it has been silent past the dead threshold. */
export interface CoordinatorTimeoutEvent {
  coordinatorId: string;
  swarmId: string;
  silentMs: number;
  /** Store ms of its last sign of life (heartbeat or recorded activity), as in a RegistryEntry. */
  lastSeen: number;
}

/** A dead coordinator was escalated: its work and unacknowledged signals now belong to its replacement. */
export interface CoordinatorEscalatedEvent {
  /** The dead coordinator. */
  coordinatorId: string;
  replacementId: string;
  swarmId: string;
  workItemsMoved: number;
  signalsMoved: number;
}

/** An escalation, or the spawn of a replacement, failed. */
export interface EscalationFailedEvent {
  coordinatorId: string;
  swarmId: string;
  error: unknown;
}

/** A dead coordinator's heartbeat, warnings, activity and registry entry were removed. */
export interface CleanupCompleteEvent {
  coordinatorId: string;
  swarmId: string;
  /** Store ms. */
  timestamp: number;
}

export interface CleanupFailedEvent {
  coordinatorId: string;
  swarmId: string;
  error: unknown;
}

/** A cycle in a swarm's wait-for graph, reported once. */
export interface DeadlockDetectedEvent {
  /** The coordinators of the cycle, each waiting for the next (and the last for the first), starting at the smallest id. */
  cycle: string[];
  swarmId: string;
}

/** A replacement was started by the spawner and its spawn request marked carried out. */
export interface ReplacementSpawnedEvent {
  /** The dead coordinator it replaces. */
  coordinatorId: string;
  replacementId: string;
  swarmId: string;
}

/** A check by the leading supervisor began (emitted only while someone listens). */
export interface CheckStartedEvent {
  /** The supervisors' term it runs in. */
  epoch: number;
}

/** The registered coordinators of one swarm as a check judged them. */
export interface SwarmCheckCounts {
  swarmId: string;
  /** Not silent past the dead threshold. */
  alive: number;
  /** Silent past it, with fewer than maxWarnings warnings. */
  warned: number;
  /** Silent past it with maxWarnings or more: escalated, or due for escalation. */
  dead: number;
}

/** A check ended (emitted, and the counts kept, only while someone listens). */
export interface CheckEndedEvent {
  epoch: number;
  /** How long it took, ms (monotonic clock). */
  durationMs: number;
  /** False when it stopped early: its term ended, or a store operation failed. */
  completed: boolean;
  /** Each swarm it judged whole, in the order checked. */
  swarms: SwarmCheckCounts[];
}

/** This supervisor began or stopped leading the supervisors' election (its checks run only while it leads). */
export interface SupervisorLeadershipEvent {
  namespace: string;
  isLeader: boolean;
  epoch: number;
}

/** The events of a CoordinatorTimeoutHandler. */
export interface TimeoutHandlerEvents {
  'coordinator:warning': [event: CoordinatorWarningEvent];
  'coordinator:recovered': [event: CoordinatorRecoveredEvent];
  'coordinator:timeout': [event: CoordinatorTimeoutEvent];
  'coordinator:escalated': [event: CoordinatorEscalatedEvent];
  'escalation:failed': [event: EscalationFailedEvent];
  'cleanup:complete': [event: CleanupCompleteEvent];
  'cleanup:failed': [event: CleanupFailedEvent];
  'deadlock:detected': [event: DeadlockDetectedEvent];
  'replacement:spawned': [event: ReplacementSpawnedEvent];
  'check:started': [event: CheckStartedEvent];
  'check:ended': [event: CheckEndedEvent];
  'leadership:changed': [event: SupervisorLeadershipEvent];
}

/** Emits a supervisor event (a listener that throws is logged, never breaks the check). */
export type EmitSupervisorEvent = <K extends keyof TimeoutHandlerEvents>(event: K, ...args: TimeoutHandlerEvents[K]) => void;
