/**
 * The Store port: the semantic operations coordination needs. Each is one Lua script (or one
 * single-key command) on Redis and one synchronous step on the memory store; the conformance
 * suite holds every adapter to the same behaviour.
 */

import type { AcquireResult, FencedOp, FencedResult, LeaseHolder, LeaseState, WorkerRecord } from './lease-types.js';

/** Where a coordinator's inbox (and the ACKs it gives) live: its swarm and its id. */
export interface InboxRef {
  swarmId: string;
  coordinatorId: string;
}

/** One stream entry. `time` is the store-clock ms at which the store appended it. */
export interface StreamEntry {
  id: string;
  time: number;
  /** The stored message, or null when the entry was deleted while still pending. */
  body: string | null;
}

export interface BlockingRead {
  count: number;
  /** Longest time to block when nothing is there, ms (>= 1). */
  blockMs: number;
  /** Aborting ends the read at once with an empty result. */
  signal?: AbortSignal;
}

export interface AppendOptions {
  messageId: string;
  senderId: string;
  idempotencyKey?: string;
  ttlMs: number;
}

export interface AppendResult {
  messageId: string;
  isDuplicate: boolean;
}

/**
 * What a coordinator's push channel carries (keys.push): each entry appended to its inbox or to
 * its ACK notice stream by a store operation, in stream order. Entries added any other way (a raw
 * XADD, an escalation moving signals) are found by the next catch-up read, which `resync` asks for.
 */
export interface PushListener {
  signal?(entry: StreamEntry): void;
  ackNotice?(entry: StreamEntry): void;
  /** Pushes may have been missed (the subscription was re-established) or entries were added out of band: read the streams again. */
  resync(): void;
}

export interface Subscription {
  close(): Promise<void>;
}

export interface AckWrite {
  /** The inbox entry to remove, when known. */
  entryId?: string;
  messageId: string;
  senderId: string;
  /** The coordinator the signal was addressed to (the replaced one, for a transferred signal); default: the inbox's. */
  addressedTo?: string;
  body: string;
  ttlMs: number;
  noticeMaxLen: number;
}

export interface AckResult {
  /** The stored ACK: the new one, or the one recorded earlier for this message. */
  body: string;
  created: boolean;
}

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
  newCoordinatorId: string;
  /** `created` by this call, `existing` from an earlier one, or `fenced` out by a newer term. */
  outcome: 'created' | 'existing' | 'fenced';
  workItemsMoved: number;
  /** Signals still unacknowledged in the dead inbox, now in the replacement's (with their stream ids). */
  signalsMoved: number;
}

export interface AckSnapshot {
  acks: (string | null)[];
  cursor: string;
}

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

export interface Store {
  readonly kind: 'memory' | 'redis';

  /** The store's clock, ms. */
  time(): Promise<number>;

  /**
   * Appends a signal to an inbox. With an idempotency key, the first append wins atomically and
   * later ones return its messageId with isDuplicate. The inbox is created with its group if new.
   */
  appendSignal(to: InboxRef, body: string, options: AppendOptions): Promise<AppendResult>;

  /** Creates the inbox and its consumer group if missing (entries sent earlier stay readable). */
  ensureInbox(inbox: InboxRef, ttlMs: number): Promise<void>;

  /** Entries delivered to this inbox's consumer and not yet acknowledged, after `afterId`, oldest first. */
  readPending(inbox: InboxRef, afterId: string, count: number): Promise<StreamEntry[]>;

  /** Entries never delivered before (up to `count`, oldest first); they become pending. Does not block. */
  readNew(inbox: InboxRef, count: number): Promise<StreamEntry[]>;

  /**
   * Listens to a coordinator's push channel. Resolves once the subscription is active: whatever a
   * store operation appends to its inbox or ACK notice stream from then on reaches `listener`.
   */
  subscribe(ref: InboxRef, listener: PushListener): Promise<Subscription>;

  /**
   * Whether `messageId`, addressed to `addressedTo` (default: the inbox's coordinator, or the one
   * it replaces), was already acknowledged: the store-side replay check.
   */
  isProcessed(inbox: InboxRef, messageId: string, addressedTo?: string): Promise<boolean>;

  /** Removes a rejected or redundant entry from the inbox (acknowledged and deleted). */
  discard(inbox: InboxRef, entryId: string): Promise<void>;

  /**
   * Records the ACK of a message exactly once, acknowledges its inbox entry, and appends a notice
   * to the sender's ACK stream, atomically. A second call returns the first ACK unchanged.
   */
  acknowledge(
    inbox: InboxRef,
    options: AckWrite,
  ): Promise<AckResult>;

  /** ACK notices for `sender` after `afterId` (up to `count`, oldest first). Does not block. */
  readAckNotices(sender: InboxRef, afterId: string, count: number): Promise<StreamEntry[]>;

  /**
   * Atomically: the ACKs already stored for one message from these ackers (null where none), and
   * the id of the sender's newest ACK notice, after which any later ACK's notice will appear.
   */
  ackSnapshot(sender: InboxRef, ackerIds: readonly string[], messageId: string): Promise<AckSnapshot>;

  /** Writes the heartbeat key and refreshes the coordinator's registry entry. */
  beat(heartbeat: HeartbeatWrite): Promise<void>;

  /** Records a coordinator in its swarm's registry and the swarm in the swarm set. */
  register(heartbeat: HeartbeatWrite): Promise<void>;

  /** Graceful leave: deletes the heartbeat key and the registry entry. */
  deregister(swarmId: string, coordinatorId: string): Promise<void>;

  getHeartbeat(coordinatorId: string): Promise<StoredHeartbeat | null>;

  listRegistry(swarmId: string): Promise<RegistryEntry[]>;

  /** Records (or replaces) one work item of a coordinator. */
  putWork(owner: InboxRef, taskId: string, body: string, ttlMs: number): Promise<void>;

  /** A coordinator's work items: task id -> body. */
  listWork(owner: InboxRef): Promise<Map<string, string>>;

  // --- supervision (supervision/timeout-handler.ts); `fence` is the supervisor's term ---

  /** Records activity reported for a coordinator (JSON with a store-ms `timestamp`). */
  recordActivity(owner: InboxRef, body: string, ttlMs: number): Promise<void>;

  /** One more warning for a silent coordinator; the new count, or -1 when a newer term wrote here. */
  warnCoordinator(owner: InboxRef, fence: Fence, ttlMs: number): Promise<number>;

  /** Clears a coordinator's warnings; the count it had (0 if none), or -1 when fenced out. */
  clearWarnings(owner: InboxRef, fence: Fence): Promise<number>;

  /**
   * Escalates a dead coordinator exactly once, in one atomic step: escalation record, spawn
   * request, all its work items and unacknowledged signals moved to `newId`, the swarm's event log and replacement channel,
   * warnings cleared, registry entry removed. A later call returns the first replacement.
   */
  escalate(dead: InboxRef, newId: string, fence: Fence, ttls: EscalationTtls): Promise<EscalationResult>;

  /** The swarm's durable event log (replacements) after `afterId` ('0-0' for all): a late reader still finds them. */
  readSwarmEvents(swarmId: string, afterId: string, read: BlockingRead): Promise<StreamEntry[]>;

  /** Spawn requests of a swarm not yet carried out: a supervisor killed mid-escalation leaves one for the next. */
  pendingSpawns(swarmId: string): Promise<{ newCoordinatorId: string; replaces: string; requestedAt: number }[]>;

  /** Marks a spawn request carried out; false when fenced out or unknown. */
  markSpawned(swarmId: string, newId: string, fence: Fence): Promise<boolean>;

  // --- leader election (supervision/global-coordinator.ts) ---

  /**
   * Takes the namespace's lease if nobody holds it, with the next epoch (server-side expiry after
   * leaseMs). A lease the caller still holds under another epoch than `knownEpoch` (it stepped
   * down locally) is given up and taken anew: every change of term gets a new epoch.
   */
  acquireLease(namespace: string, worker: LeaseHolder, knownEpoch: number, leaseMs: number): Promise<AcquireResult>;

  /** Extends the lease if `workerId` still holds it under `epoch`; false otherwise. */
  renewLease(namespace: string, worker: LeaseHolder, epoch: number, leaseMs: number): Promise<boolean>;

  /** Gives the lease up if `workerId` holds it under `epoch`, and tells the followers. */
  releaseLease(namespace: string, worker: LeaseHolder, epoch: number): Promise<boolean>;

  readLease(namespace: string): Promise<LeaseState>;

  /** Leadership events after `afterId` (acquired, released); blocks up to blockMs when none. */
  readLeaseEvents(namespace: string, afterId: string, read: BlockingRead): Promise<StreamEntry[]>;

  /** Records a worker's heartbeat and drops workers silent for workerTimeoutMs; returns the dropped ids. */
  touchWorker(namespace: string, worker: Omit<WorkerRecord, 'lastHeartbeat'>, workerTimeoutMs: number): Promise<string[]>;

  /** Workers heard from within workerTimeoutMs. */
  listWorkers(namespace: string, workerTimeoutMs: number): Promise<WorkerRecord[]>;

  removeWorker(namespace: string, workerId: string): Promise<void>;

  /**
   * Applies `ops` atomically only if `epoch` may write: it is not below the highest epoch that
   * wrote into the slot of `tag` (a fencing token), and, when `tag` is the namespace itself, it is
   * the lease's current epoch. All keys must carry the hash tag `{tag}`.
   */
  fencedWrite(namespace: string, tag: string, epoch: number, ops: readonly FencedOp[]): Promise<FencedResult>;

  // --- maintenance (supervision/cleanup.ts) ---

  /** Every swarm that registered a coordinator. */
  listSwarms(): Promise<string[]>;

  /** Removes coordinators from a swarm's registry. */
  unregister(swarmId: string, coordinatorIds: readonly string[]): Promise<void>;

  /**
   * The keys matching a glob pattern, a batch at a time: SCAN on Redis (on every master of a
   * Cluster), never KEYS, so the store is never held for more than one small step.
   */
  scanKeys(pattern: string, batchSize: number): AsyncIterable<string[]>;

  /** Values of string keys (null where missing or not a string). */
  readStrings(keys: readonly string[]): Promise<(string | null)[]>;

  /** Remaining lifetime per key, ms: -1 when it has none, -2 when it does not exist. */
  keyTtls(keys: readonly string[]): Promise<number[]>;

  /** Deletes keys; returns how many existed. */
  deleteKeys(keys: readonly string[]): Promise<number>;

  /** Gives keys that have no lifetime this one; returns how many were changed. */
  expireKeysWithoutTtl(keys: readonly string[], ttlMs: number): Promise<number>;

  /** Calls `listener(false)` when the connection to the store drops and `listener(true)` when it is back. */
  onConnectionChange(listener: (connected: boolean) => void): () => void;

  /** Closes connections and timers; later calls fail with StoreClosedError. Idempotent. */
  close(): Promise<void>;
}
