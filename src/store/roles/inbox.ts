import type { StoreBase } from './base.js';
import type { InboxRef, StreamEntry } from './common.js';

export interface AppendOptions {
  messageId: string;
  senderId: string;
  idempotencyKey?: string;
  /** What the idempotency record holds (the coordinator signs it); default: the messageId. */
  idempotencyRecord?: string;
  /**
   * An idempotency record the caller found forged: overwritten if the key still holds exactly it
   * (a record written meanwhile by a genuine send is left alone).
   */
  replaceRecord?: string;
  ttlMs: number;
  /** Most signals from this sender to this receiver per second (RateLimitedError beyond); 0 or absent: no limit. */
  maxSendsPerSecond?: number;
  /** Most entries the receiver's inbox may hold (InboxFullError beyond); 0 or absent: no limit. */
  maxInboxLength?: number;
}

/**
 * Appended; or not, because the idempotency key was taken already: then `record` is what the key
 * holds, the store's word, for the caller to verify.
 */
export type AppendResult = { isDuplicate: false } | { isDuplicate: true; record: string };

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
  receiverId?: string;
  body: string;
  ttlMs: number;
  noticeMaxLen: number;
  /** An ACK the caller found forged: overwritten if the ACK key still holds exactly it. */
  replaceForged?: string;
}

export interface AckResult {
  /**
   * The stored ACK: the new one, or the one recorded earlier for this message (the store's word:
   * verify it). An ACK recorded earlier leaves the inbox entry in place.
   */
  body: string;
  created: boolean;
}

export interface AckSnapshot {
  acks: (string | null)[];
  cursor: string;
}

/** Signals and ACKs: a coordinator's inbox, the ACKs it gives and the ACK notices it reads. */
export interface InboxStore extends StoreBase {
  /**
   * Appends a signal to an inbox. With an idempotency key, the first append wins atomically and
   * later ones return its record with isDuplicate. The inbox is created with its group if new.
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
   * The ACK recorded for `messageId`, addressed to `receiverId` (default: the inbox's coordinator,
   * or the one it replaces), or null: the store-side replay check (verify what it returns).
   */
  readAck(inbox: InboxRef, messageId: string, receiverId?: string): Promise<string | null>;

  /** Removes a rejected or redundant entry from the inbox (acknowledged and deleted). */
  discard(inbox: InboxRef, entryId: string): Promise<void>;

  /**
   * Records the ACK of a message exactly once, acknowledges its inbox entry, and appends a notice
   * to the sender's ACK stream, atomically. A second call returns the first ACK unchanged, and
   * leaves the entry (discard it once the first ACK is verified), unless `replaceForged` names it.
   */
  acknowledge(inbox: InboxRef, options: AckWrite): Promise<AckResult>;

  /** ACK notices for `sender` after `afterId` (up to `count`, oldest first). Does not block. */
  readAckNotices(sender: InboxRef, afterId: string, count: number): Promise<StreamEntry[]>;

  /**
   * Atomically: the ACKs already stored for one message from these ackers (null where none), and
   * the id of the sender's newest ACK notice, after which any later ACK's notice will appear.
   */
  ackSnapshot(sender: InboxRef, ackerIds: readonly string[], messageId: string): Promise<AckSnapshot>;
}
