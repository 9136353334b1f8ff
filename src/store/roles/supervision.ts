import type { StoreBase } from './base.js';
import type { BlockingRead, InboxRef, StreamEntry } from './common.js';

/** The supervisor's term: writes are fenced by the leader epoch of `namespace`. */
export interface Fence {
  namespace: string;
  epoch: number;
}

export interface EscalationTtls {
  recordTtlMs: number;
  workTtlMs: number;
  inboxTtlMs: number;
}

export interface EscalationResult {
  /** The coordinator that takes the dead one's place (stored as the record's `newCoordinatorId`, the runbooks' name). */
  replacementId: string;
  /** `created` by this call, `existing` from an earlier one, or `fenced` out by a newer term. */
  outcome: 'created' | 'existing' | 'fenced';
  workItemsMoved: number;
  /** Signals still unacknowledged in the dead inbox, now in the replacement's (with their stream ids). */
  signalsMoved: number;
}

/** A spawn request an escalation left and no supervisor has carried out yet. */
export interface PendingSpawn {
  replacementId: string;
  replaces: string;
  requestedAt: number;
}

/** The supervisor's writes (supervision/timeout-handler.ts), each fenced by its term: warnings, escalation, spawns. */
export interface SupervisionStore extends StoreBase {
  /** One more warning for a silent coordinator; the new count, or -1 when a newer term wrote here. */
  warnCoordinator(owner: InboxRef, fence: Fence, ttlMs: number): Promise<number>;

  /** Clears a coordinator's warnings; the count it had (0 if none), or -1 when fenced out (with or without warnings). */
  clearWarnings(owner: InboxRef, fence: Fence): Promise<number>;

  /**
   * Escalates a dead coordinator exactly once, in one atomic step: escalation record, spawn
   * request, all its work items and unacknowledged signals moved to `replacementId`, the swarm's event log and replacement channel,
   * warnings cleared, registry entry removed. A later call returns the first replacement.
   */
  escalate(dead: InboxRef, replacementId: string, fence: Fence, ttls: EscalationTtls): Promise<EscalationResult>;

  /** The swarm's durable event log (replacements) after `afterId` ('0-0' for all): a late reader still finds them. */
  readSwarmEvents(swarmId: string, afterId: string, read: BlockingRead): Promise<StreamEntry[]>;

  /** Spawn requests of a swarm not yet carried out: a supervisor killed mid-escalation leaves one for the next. */
  pendingSpawns(swarmId: string): Promise<PendingSpawn[]>;

  /** Marks a spawn request carried out; false when fenced out or unknown. */
  markSpawned(swarmId: string, replacementId: string, fence: Fence): Promise<boolean>;
}
