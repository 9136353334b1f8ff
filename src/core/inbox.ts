import { decodeAck, encodeAck, parseAck, type Ack, type UnsignedAck } from '../protocol/ack.js';
import { normalizePayload } from '../protocol/canonical-json.js';
import { AbortedError, CoordinatorStoppedError, InvalidPayloadError, SignalTimeoutError, StoreCommandError } from '../protocol/errors.js';
import type { Logger } from '../protocol/logger.js';
import type { RejectionReason } from '../protocol/rejection.js';
import { decodeSignal, type Signal, type SignalCheck } from '../protocol/signal.js';
import type { AckWrite, InboxRef, InboxStore, StreamEntry, Subscription } from '../store/port.js';
import { AckedMessages } from './acked-messages.js';
import type { CoordinatorObserver } from './coordinator-observer.js';
import type { CoordinatorConfig } from './coordinator-options.js';
import { HeldSignals } from './held-signals.js';
import type { HeldLimitEvent } from './held-limit.js';
import type { KeyringSlot } from './secrets.js';
import type { StoreClock } from './store-clock.js';
import type { RejectionEvent } from './rejection-event.js';
import { matches, type CompiledFilter } from './signal-filter.js';
import { WorkQueue } from './work-queue.js';

/** What an ACK says besides "received". */
export interface AckOptions<R = unknown> {
  /** What the ACK says of the signal; covered by its signature. Default `received`. */
  status?: string;
  /**
   * The answer, carried by the ACK and covered by its signature (any JSON value: a verdict, a vote,
   * a result); the sender's waitForAcks returns it. One step answers and acknowledges.
   */
  result?: R;
}

interface Waiter {
  filter: CompiledFilter;
  resolve(signal: Signal): void;
  reject(error: Error): void;
}

export interface InboxDeps {
  store: InboxStore;
  ref: InboxRef;
  /** The dead coordinator this one replaces: signals addressed to it are this one's too. */
  replaces: string | undefined;
  keys: KeyringSlot;
  config: CoordinatorConfig;
  logger: Logger;
  observer: Pick<CoordinatorObserver, 'accepted' | 'rejected' | 'forgedRecord' | 'heldLimit'>;
  /** The store clock. */
  clock: StoreClock;
  /** The coordinator's shutdown: it ends a catch-up at its next entry, the one start() runs included. */
  shutdown: AbortSignal;
}

/**
 * Most verified signals held of each kind: pending (no wait has taken them; beyond, a pushed
 * signal is left in the store, unread or pending in the group, and read by a catch-up once waits
 * take some) and handed out (a wait took them, never acknowledged; beyond, the oldest are forgotten
 * here and delivered again by a later catch-up). maxHeldBytes bounds each kind's bytes too.
 */
const MAX_HELD = 10_000;

/** Forged ACK records replaced before an acknowledge gives up (a forger rewriting the key at once). */
const MAX_FORGED_ACKS = 3;

/**
 * A coordinator's side of its durable inbox: receiving, waiting, acknowledging. The store pushes
 * each signal appended to it (no read command, no polling); a catch-up read (at open, and when the
 * store says pushes may have been missed) takes what was not pushed. Entries are handled one at a
 * time in the order they came, and verified signals wait here in stream order until a wait whose
 * filter matches takes them. Whatever is not acknowledged stays in the store, so a crash before
 * the ACK means redelivery to the next instance of this id.
 */
export class Inbox {
  readonly #deps: InboxDeps;
  readonly #held = new HeldSignals();
  readonly #waiters = new Set<Waiter>();
  readonly #acked: AckedMessages;
  /** close() was called. A flag, not an AbortController: the coordinator's shutdown signal already tells the work queue (a signal is 0.9 KB a coordinator). */
  #closed = false;
  #subscription: Subscription | undefined;
  /** Pushes and catch-ups, one after another in arrival order. */
  readonly #work: WorkQueue;
  /** A signal was left in the store because MAX_HELD (or maxHeldBytes) were held. */
  #overflowed = false;
  /** Handed-out signals were forgotten, and the count or bytes have not fallen below half since: reported once. */
  #handedOutAtLimit = false;
  #check: SignalCheck | undefined;

  constructor(deps: InboxDeps) {
    this.#deps = deps;
    this.#acked = new AckedMessages(deps.config.replayWindowMs);
    this.#work = new WorkQueue(deps.logger, 'inbox', deps.shutdown, deps.store.breaker);
  }

  get waiting(): number {
    return this.#waiters.size;
  }

  /** The senders the current waits are limited to (a wait without `from` waits for no one in particular). */
  waitingFor(): string[] {
    if (this.#waiters.size === 0) return [];
    return [...this.#waiters].flatMap((waiter) => [...(waiter.filter.from ?? [])]);
  }

  // --- receiving ---

  /**
   * Subscribes to the pushes, then reads what is already there: entries delivered before and
   * never acknowledged (a previous instance's crash), and entries never delivered.
   */
  async open(): Promise<void> {
    const { store, ref } = this.#deps;
    this.#acked.startAt(this.#deps.clock.now());
    this.#subscription ??= await store.subscribe(ref, {
      signal: (entry) => this.#pushed(entry),
      resync: () => this.#requestCatchUp(),
    });
    await this.#work.enqueue(() => this.#catchUp()); // on failure the subscription stays, for a retried open() or close()
  }

  /**
   * A pushed entry, in arrival order; verified and handed to a wait at once unless it needs the
   * store. Anyone who can PUBLISH can forge a push, entry id included: its replay window counts
   * from when it arrived (a genuine push arrives as its entry is appended), not from its entry id.
   */
  #pushed(entry: StreamEntry): void {
    const arrived = this.#deps.clock.now();
    this.#work.run(() => {
      const storeWork = this.#accept(entry, arrived);
      this.#dispatch();
      return storeWork?.then(() => this.#dispatch());
    });
  }

  #requestCatchUp(): void {
    this.#work.catchUp(() => this.#catchUp());
  }

  /** Everything in the store for this inbox that is not here: the pending list (replies a failure lost included), then entries never delivered. */
  async #catchUp(): Promise<void> {
    const { store, ref, config } = this.#deps;
    for (let after = '0-0'; !this.#stopped; ) {
      const entries = await store.readPending(ref, after, config.readBatchSize);
      await this.#acceptAll(entries);
      if (entries.length < config.readBatchSize) break;
      after = entries.at(-1)!.entryId;
    }
    while (!this.#stopped) {
      const entries = await store.readNew(ref, config.readBatchSize);
      await this.#acceptAll(entries);
      if (entries.length < config.readBatchSize) return;
    }
  }

  /** One by one, in stream order; a close() ends it at the next entry (each may wait on the store), so shutdown waits for one call at most. */
  async #acceptAll(entries: readonly StreamEntry[]): Promise<void> {
    for (const entry of entries) {
      if (this.#stopped) return;
      await this.#accept(entry);
    }
    this.#dispatch();
  }

  /** Closed, or the coordinator is shutting down. */
  get #stopped(): boolean {
    return this.#closed || this.#deps.shutdown.aborted;
  }

  /**
   * Verifies and holds an entry; returns a promise only when that needs the store (a discard, or
   * asking whether it was acknowledged). `arrived`: the store-clock time a pushed entry arrived.
   */
  #accept(entry: StreamEntry, arrived?: number): Promise<void> | undefined {
    if (this.#held.knowsEntry(entry.entryId, entry.body)) return undefined; // read again by a catch-up: already handled
    if (entry.body === null) return this.#discard(entry.entryId); // deleted while pending: nothing to deliver
    const read = arrived === undefined; // its entry id is the store's own (a read), not a push's claim
    const decoded = decodeSignal(entry.body, arrived ?? entry.time, this.#signalCheck());
    if (!decoded.ok) return this.#reject(entry.entryId, read, decoded.reason, decoded.detail, decoded.messageId);
    const signal = decoded.value;
    if (this.#held.has(signal.messageId)) return this.#reject(entry.entryId, read, 'duplicate_delivery', 'a copy of this message is already here', signal.messageId);
    const known = this.#acked.wasAcknowledged(signal.messageId, signal.timestamp);
    if (known === undefined) return this.#acceptUnlessProcessed(entry.entryId, read, signal, entry.body.length);
    if (known) return this.#reject(entry.entryId, read, 'replay_processed', 'this message was already acknowledged', signal.messageId);
    this.#deliver(entry.entryId, signal, entry.body.length);
    return undefined;
  }

  /** What a signal is verified against; rebuilt only when the secrets are rotated. */
  #signalCheck(): SignalCheck {
    const { keys, ref, replaces, config } = this.#deps;
    const current = keys.current;
    if (this.#check?.keyring === current) return this.#check;
    this.#check = {
      keyring: current,
      receiverId: ref.coordinatorId,
      ...(replaces !== undefined ? { replaces } : {}),
      replayWindowMs: config.replayWindowMs,
      maxBodyBytes: config.maxSignalBytes,
    };
    return this.#check;
  }

  /** Signals an earlier instance of this id may have acknowledged: the store has the record (verified: the store's word is not proof). */
  async #acceptUnlessProcessed(entryId: string, read: boolean, signal: Signal, bytes: number): Promise<void> {
    const { store, ref, logger } = this.#deps;
    let processed = false;
    try {
      const stored = await store.readAck(ref, signal.messageId, signal.receiverId);
      processed = stored !== null && this.#isAckOf(stored, signal);
    } catch (error) {
      // Unknown: deliver it (at-least-once); acknowledging returns the earlier ACK if there is one.
      logger.warn({ err: error, messageId: signal.messageId }, 'could not check whether a signal was already processed');
    }
    if (processed) return this.#reject(entryId, read, 'replay_processed', 'this message was already acknowledged', signal.messageId);
    this.#deliver(entryId, signal, bytes);
  }

  /**
   * Whether a stored ACK is a genuine ACK of `signal`: signed, of this message, by its receiver
   * (or the replacement of its receiver). Anything else is reported as forged.
   */
  #isAckOf(stored: string, signal: Signal): boolean {
    const { keys, config, ref } = this.#deps;
    const decoded = decodeAck(stored, undefined, { keyring: keys.current, senderId: signal.senderId, replayWindowMs: config.replayWindowMs, maxBodyBytes: config.maxSignalBytes });
    const ack = decoded.ok ? decoded.value : undefined;
    if (ack && ack.messageId === signal.messageId && (ack.coordinatorId === signal.receiverId || ack.replaces === signal.receiverId)) return true;
    const why = decoded.ok ? 'an ACK of another message or by another coordinator' : `${decoded.reason}: ${decoded.detail}`;
    this.#deps.observer.forgedRecord({ kind: 'ack', coordinatorId: ref.coordinatorId, messageId: signal.messageId, detail: `the ACK key of ${signal.messageId} holds ${why}` });
    return false;
  }

  /** Holds a verified signal for the waits, unless the inbox holds its most (by count or bytes): then it stays in the store, read again later. */
  #deliver(entryId: string, signal: Signal, bytes: number): void {
    const held = this.#held;
    // One signal is always held, whatever its size, and so is one a wait is waiting for: it is handed out at once.
    const full = held.pendingCount >= MAX_HELD || (held.pendingCount > 0 && held.pendingBytes + bytes > this.#deps.config.maxHeldBytes);
    if (full && ![...this.#waiters].some((waiter) => matches(waiter.filter, signal))) {
      if (!this.#overflowed) this.#reportHeldLimit('pending', held.pendingCount, held.pendingBytes);
      this.#overflowed = true;
      return;
    }
    const delivered = { ...signal, entryId };
    this.#held.hold(delivered, bytes);
    this.#deps.observer.accepted(delivered);
  }

  /**
   * Reports a rejected entry and removes it from the store, when it was read: a pushed entry's id
   * is the push's claim (a forged push may name another signal's entry); if its entry is in the
   * store, the next catch-up reads it by its real id, and rejects and removes it then.
   */
  async #reject(entryId: string, read: boolean, reason: RejectionReason, detail: string, messageId?: string): Promise<void> {
    const event: RejectionEvent = { kind: 'signal', reason, detail, coordinatorId: this.#deps.ref.coordinatorId, entryId };
    if (messageId !== undefined) event.messageId = messageId;
    this.#deps.observer.rejected(event);
    if (read) await this.#discard(entryId);
  }

  async #discard(entryId: string): Promise<void> {
    try {
      await this.#deps.store.discard(this.#deps.ref, entryId);
    } catch (error) {
      // It stays pending in the store and is examined again by the next catch-up.
      this.#deps.logger.warn({ err: error, entryId }, 'could not discard an inbox entry');
    }
  }

  // --- waiting ---

  /** Resolves with the first pending or arriving signal that matches, or rejects on timeout, abort or shutdown. */
  take(filter: CompiledFilter, timeoutMs: number, signal?: AbortSignal): Promise<Signal> {
    const id = this.#deps.ref.coordinatorId;
    if (this.#closed) return Promise.reject(new CoordinatorStoppedError(id));
    if (signal?.aborted) return Promise.reject(new AbortedError(id, signal.reason));
    const ready = this.#takeMatching(filter);
    if (ready) return Promise.resolve(ready);

    return new Promise((resolve, reject) => {
      const settle = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#waiters.delete(waiter);
      };
      const waiter: Waiter = {
        filter,
        resolve: (s) => (settle(), resolve(s)),
        reject: (e) => (settle(), reject(e)),
      };
      const onAbort = () => waiter.reject(new AbortedError(id, signal?.reason));
      const timer = setTimeout(() => waiter.reject(new SignalTimeoutError(id, timeoutMs, filter.describe())), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.add(waiter);
      // What it waits for may be among the signals left in the store: read them (held for it at once, full or not).
      if (this.#overflowed) this.#requestCatchUp();
    });
  }

  /** A signal held here, pending or handed out (not acknowledged, not forgotten). */
  held(messageId: string): Signal | undefined {
    return this.#held.get(messageId);
  }

  /** Gives handed-out signals back (a barrier that failed, a release()): later waits can take them again. */
  untake(signals: readonly Signal[]): void {
    // Forgotten past the handed-out limit while the barrier waited: their entries are still pending in the store.
    const forgotten = signals.some((signal) => !this.#held.has(signal.messageId));
    this.#held.untake(signals);
    if (forgotten) this.#requestCatchUp();
    this.#dispatch();
  }

  #dispatch(): void {
    for (const waiter of this.#waiters) {
      const signal = this.#takeMatching(waiter.filter);
      if (signal) waiter.resolve(signal);
    }
  }

  #takeMatching(filter: CompiledFilter): Signal | undefined {
    const held = this.#held;
    const signal = held.takeMatching(filter);
    if (!signal) return undefined;
    this.#resumeIfRoom();
    const over = held.forgetOldestHandedOut(MAX_HELD, this.#deps.config.maxHeldBytes);
    if (over && !this.#handedOutAtLimit) {
      this.#handedOutAtLimit = true;
      this.#reportHeldLimit('handed_out', over.signals, over.bytes);
    }
    return signal;
  }

  /** Under half of both limits: a limit reached again after this is a new episode. */
  #belowHalf(signals: number, bytes: number): boolean {
    return signals < MAX_HELD / 2 && bytes < this.#deps.config.maxHeldBytes / 2;
  }

  #reportHeldLimit(kind: HeldLimitEvent['held'], signals: number, bytes: number): void {
    const { ref, config, observer } = this.#deps;
    observer.heldLimit({ held: kind, coordinatorId: ref.coordinatorId, signals, bytes, maxSignals: MAX_HELD, maxHeldBytes: config.maxHeldBytes });
  }

  /** Signals were left in the store because the inbox held its most: read them once half the room is free again. */
  #resumeIfRoom(): void {
    if (this.#overflowed && this.#belowHalf(this.#held.pendingCount, this.#held.pendingBytes)) {
      this.#overflowed = false;
      this.#requestCatchUp();
    }
  }

  // --- acknowledging ---

  /**
   * Signs an ACK of a signal received here and records it with the store exactly once (with its
   * inbox entry acknowledged and a notice to the sender, atomically). `created` is false when an
   * ACK was recorded earlier: that first one is returned.
   */
  async acknowledge<R>(signal: Signal, options: AckOptions<R>): Promise<{ ack: Ack<R>; created: boolean }> {
    const { store, ref, config, keys, clock } = this.#deps;
    // Built field by field, not from conditional spreads: each spread is a throwaway object on every ACK.
    const unsigned: UnsignedAck<R> = { messageId: signal.messageId, coordinatorId: ref.coordinatorId, senderId: signal.senderId, status: options.status ?? 'received', timestamp: clock.now() };
    if (signal.iteration !== undefined) unsigned.iteration = signal.iteration;
    if (options.result !== undefined) unsigned.result = normalizePayload(options.result, 'ACK result') as R;
    if (signal.receiverId !== ref.coordinatorId) unsigned.replaces = signal.receiverId;
    const { body, ack } = encodeAck<R>(unsigned, keys.current);
    // Without an answer an ACK is a few hundred bytes; with one it is held to the signal limit.
    const bytes = options.result === undefined ? 0 : Buffer.byteLength(body);
    if (bytes > config.maxSignalBytes) throw new InvalidPayloadError(`ACK is ${bytes} bytes with its result; the limit is ${config.maxSignalBytes} (maxSignalBytes).`);
    const entryId = signal.entryId ?? this.#held.entryIdOf(signal.messageId);
    const write: AckWrite = { receiverId: signal.receiverId, messageId: signal.messageId, senderId: signal.senderId, body, ttlMs: config.ackTtlMs, noticeMaxLen: config.ackNoticeMaxLen };
    if (entryId !== undefined) write.entryId = entryId;
    let stored = await store.acknowledge(ref, write);
    // An ACK stored earlier is the store's word: one that is not a genuine ACK of this signal (a
    // key claimed ahead of it, to swallow it) is replaced by this one, notice and all.
    for (let forged = 1; !stored.created && !this.#isAckOf(stored.body, signal); forged += 1) {
      if (forged >= MAX_FORGED_ACKS) throw new StoreCommandError('acknowledge', new Error(`the ACK key of ${signal.messageId} was forged ${MAX_FORGED_ACKS} times in a row`));
      stored = await store.acknowledge(ref, { ...write, replaceForged: stored.body });
    }
    this.#held.settle(signal.messageId, entryId);
    if (this.#handedOutAtLimit && this.#belowHalf(this.#held.handedOutCount, this.#held.handedOutBytes)) this.#handedOutAtLimit = false;
    this.#acked.remember(signal.messageId, signal.timestamp, clock.now());
    this.#resumeIfRoom(); // acknowledged straight from `signal:received`, it frees room as a take does
    if (stored.created) return { ack, created: true };
    return { ack: parseAck(stored.body) as Ack<R>, created: false };
  }

  /** Stops the pushes and rejects every wait. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#work.stop();
    for (const waiter of this.#waiters) waiter.reject(new CoordinatorStoppedError(this.#deps.ref.coordinatorId));
    await this.#subscription?.close().catch(() => undefined);
    await this.#work.idle();
  }
}
