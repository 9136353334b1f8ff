import { AbortedError, CoordinatorShutdownError, SignalTimeoutError } from '../protocol/errors.js';
import type { Keyring } from '../protocol/keyring.js';
import type { Logger } from '../protocol/logger.js';
import type { RejectionReason } from '../protocol/rejection.js';
import { decodeSignal, type Signal, type SignalCheck } from '../protocol/signal.js';
import { compareEntryIds } from '../store/entry-id.js';
import type { InboxRef, InboxStore as Store, StreamEntry, Subscription } from '../store/port.js';
import type { CoordinatorConfig } from './config.js';
import type { RejectionEvent } from './rejection-event.js';
import { matches, type CompiledFilter } from './signal-filter.js';
import { AckedMessages } from './acked-messages.js';
import { WorkQueue } from './work-queue.js';

interface Waiter {
  filter: CompiledFilter;
  resolve(signal: Signal): void;
  reject(error: Error): void;
}

export interface InboxDeps {
  store: Store;
  ref: InboxRef;
  check: SignalCheck;
  config: CoordinatorConfig;
  logger: Logger;
  onRejected(event: RejectionEvent): void;
  onAccepted(signal: Signal): void;
  /** The store clock, ms. */
  now(): number;
  /** The coordinator's shutdown: it ends a catch-up at its next entry, the one initialize() runs included. */
  shutdown: AbortSignal;
}

/** Entry ids of signals acknowledged lately: read again by a catch-up that raced the ACK, they are not replays. */
const RECENTLY_SETTLED = 1_024;
/**
 * Most verified signals held for waits that have not taken them. Beyond, a pushed signal is left
 * in the store (unread, or pending in the group) and read by a catch-up once waits take some.
 */
const MAX_HELD = 10_000;

/**
 * A coordinator's side of its durable inbox. The store pushes each signal appended to it (no read
 * command, no polling); a catch-up read (at open, and when the store says pushes may have been
 * missed) takes what was not pushed. Entries are handled one at a time in the order they came,
 * and verified signals wait here in stream order until a wait whose filter matches takes them.
 * Whatever is not acknowledged stays in the store, so a crash before the ACK means redelivery to
 * the next instance of this id.
 */
export class Inbox {
  readonly #deps: InboxDeps;
  #check: SignalCheck;
  /** Verified, not yet handed out; messageId -> signal (with its deliveryId), in stream order. */
  readonly #pending = new Map<string, Signal>();
  /** Handed out by a wait, not yet acknowledged; messageId -> signal. */
  readonly #handedOut = new Map<string, Signal>();
  /** Entry ids held in #pending or #handedOut: reading one again (a catch-up) is not a duplicate. */
  readonly #entryIds = new Set<string>();
  readonly #settledEntryIds = new Set<string>();
  readonly #waiters = new Set<Waiter>();
  readonly #acked: AckedMessages;
  readonly #stop = new AbortController();
  #subscription: Subscription | undefined;
  /** Pushes and catch-ups, one after another in arrival order. */
  readonly #work: WorkQueue;
  /** The newest entry id ever held: pushes arrive in stream order, so a sort is rarely needed. */
  #newestHeld: string | undefined;
  /** A signal was left in the store because MAX_HELD were held. */
  #overflowed = false;

  constructor(deps: InboxDeps) {
    this.#deps = deps;
    this.#check = deps.check;
    this.#acked = new AckedMessages(deps.config.replayWindowMs);
    this.#work = new WorkQueue(deps.logger, 'inbox', this.#stop.signal);
  }

  /** Verifies with new secrets from now on (a rotation without restart). */
  setKeyring(keyring: Keyring): void {
    this.#check = { ...this.#check, keyring };
  }

  get waiting(): number {
    return this.#waiters.size;
  }

  /** The senders the current waits are limited to (a wait without `from` waits for no one in particular). */
  waitingFor(): string[] {
    return [...this.#waiters].flatMap((waiter) => [...(waiter.filter.from ?? [])]);
  }

  /**
   * Subscribes to the pushes, then reads what is already there: entries delivered before and
   * never acknowledged (a previous instance's crash), and entries never delivered.
   */
  async open(): Promise<void> {
    const { store, ref } = this.#deps;
    this.#acked.startAt(this.#deps.now());
    this.#subscription ??= await store.subscribe(ref, {
      signal: (entry) => this.#pushed(entry),
      resync: () => this.#requestCatchUp(),
    });
    await this.#work.enqueue(() => this.#catchUp()); // on failure the subscription stays, for a retried open() or close()
  }

  /** A pushed entry, in arrival order; verified and handed to a wait at once unless it needs the store. */
  #pushed(entry: StreamEntry): void {
    this.#work.run(() => {
      const storeWork = this.#accept(entry);
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
      after = entries.at(-1)!.id;
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
    return this.#stop.signal.aborted || this.#deps.shutdown.aborted;
  }

  /** Resolves with the first pending or arriving signal that matches, or rejects on timeout, abort or shutdown. */
  take(filter: CompiledFilter, timeoutMs: number, signal?: AbortSignal): Promise<Signal> {
    const id = this.#deps.ref.coordinatorId;
    if (this.#stop.signal.aborted) return Promise.reject(new CoordinatorShutdownError(id));
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
    });
  }

  /** The signal was acknowledged (whether or not a wait took it): forget it, and remember it was. */
  settle(signal: Pick<Signal, 'messageId' | 'timestamp'>): void {
    const held = this.#handedOut.get(signal.messageId) ?? this.#pending.get(signal.messageId);
    if (held?.deliveryId !== undefined) {
      this.#entryIds.delete(held.deliveryId);
      this.#settledEntryIds.add(held.deliveryId);
      if (this.#settledEntryIds.size > RECENTLY_SETTLED) this.#settledEntryIds.delete(this.#settledEntryIds.values().next().value!);
    }
    this.#handedOut.delete(signal.messageId);
    this.#pending.delete(signal.messageId);
    this.#acked.remember(signal.messageId, signal.timestamp, this.#deps.now());
  }

  /** The inbox entry of a signal held here, for an ACK given to a signal object without one. */
  deliveryIdOf(messageId: string): string | undefined {
    return (this.#handedOut.get(messageId) ?? this.#pending.get(messageId))?.deliveryId;
  }

  /** Gives handed-out signals back (a barrier that failed): later waits can take them again. */
  untake(signals: readonly Signal[]): void {
    for (const signal of signals) {
      const held = this.#handedOut.get(signal.messageId);
      if (!held) continue;
      this.#handedOut.delete(signal.messageId);
      this.#pending.set(signal.messageId, held);
    }
    this.#sortPending();
    this.#dispatch();
  }

  /** Stops the pushes and rejects every wait. */
  async close(): Promise<void> {
    this.#stop.abort();
    for (const waiter of this.#waiters) waiter.reject(new CoordinatorShutdownError(this.#deps.ref.coordinatorId));
    await this.#subscription?.close().catch(() => undefined);
    await this.#work.idle();
  }

  /** Verifies and holds an entry; returns a promise only when that needs the store (a discard, or asking whether it was acknowledged). */
  #accept(entry: StreamEntry): Promise<void> | undefined {
    if (this.#entryIds.has(entry.id) || this.#settledEntryIds.has(entry.id)) return undefined; // read again by a catch-up: already handled
    if (entry.body === null) return this.#discard(entry.id); // deleted while pending: nothing to deliver
    const decoded = decodeSignal(entry.body, entry.time, this.#check);
    if (!decoded.ok) return this.#reject(entry.id, decoded.reason, decoded.detail, decoded.messageId);
    const signal = decoded.value;
    if (this.#pending.has(signal.messageId) || this.#handedOut.has(signal.messageId)) {
      return this.#reject(entry.id, 'duplicate_delivery', 'a copy of this message is already here', signal.messageId);
    }
    const known = this.#acked.wasAcknowledged(signal.messageId, signal.timestamp);
    if (known === undefined) return this.#acceptUnlessProcessed(entry.id, signal);
    if (known) return this.#reject(entry.id, 'replay_processed', 'this message was already acknowledged', signal.messageId);
    this.#deliver(entry.id, signal);
    return undefined;
  }

  /** Signals an earlier instance of this id may have acknowledged: the store has the record. */
  async #acceptUnlessProcessed(entryId: string, signal: Signal): Promise<void> {
    const { store, ref, logger } = this.#deps;
    let processed = false;
    try {
      processed = await store.isProcessed(ref, signal.messageId, signal.receiverId);
    } catch (error) {
      // Unknown: deliver it (at-least-once); acknowledging returns the earlier ACK if there is one.
      logger.warn({ err: error, messageId: signal.messageId }, 'could not check whether a signal was already processed');
    }
    if (processed) return this.#reject(entryId, 'replay_processed', 'this message was already acknowledged', signal.messageId);
    this.#deliver(entryId, signal);
  }

  #deliver(entryId: string, signal: Signal): void {
    if (this.#pending.size >= MAX_HELD) {
      if (!this.#overflowed) this.#deps.logger.warn({ held: this.#pending.size }, 'inbox holds the most signals no wait has taken; leaving newer ones in the store');
      this.#overflowed = true;
      return;
    }
    const delivered = { ...signal, deliveryId: entryId };
    this.#hold(delivered);
    this.#entryIds.add(entryId);
    this.#deps.onAccepted(delivered);
  }

  /** Keeps stream order: an entry older than those held (found by a catch-up) goes before them. */
  #hold(signal: Signal & { deliveryId: string }): void {
    const entryId = signal.deliveryId;
    this.#pending.set(signal.messageId, signal);
    if (this.#newestHeld === undefined || compareEntryIds(this.#newestHeld, entryId) < 0) {
      this.#newestHeld = entryId;
      return;
    }
    this.#sortPending();
  }

  #sortPending(): void {
    const ordered = [...this.#pending.values()].sort((a, b) => compareEntryIds(a.deliveryId ?? '0-0', b.deliveryId ?? '0-0'));
    this.#pending.clear();
    for (const held of ordered) this.#pending.set(held.messageId, held);
  }

  async #reject(entryId: string, reason: RejectionReason, detail: string, messageId?: string): Promise<void> {
    const event: RejectionEvent = { kind: 'signal', reason, detail, coordinatorId: this.#deps.ref.coordinatorId, entryId };
    if (messageId !== undefined) event.messageId = messageId;
    this.#deps.onRejected(event);
    await this.#discard(entryId);
  }

  async #discard(entryId: string): Promise<void> {
    try {
      await this.#deps.store.discard(this.#deps.ref, entryId);
    } catch (error) {
      // It stays pending in the store and is examined again by the next catch-up.
      this.#deps.logger.warn({ err: error, entryId }, 'could not discard an inbox entry');
    }
  }

  #dispatch(): void {
    for (const waiter of this.#waiters) {
      const signal = this.#takeMatching(waiter.filter);
      if (signal) waiter.resolve(signal);
    }
  }

  #takeMatching(filter: CompiledFilter): Signal | undefined {
    for (const [messageId, signal] of this.#pending) {
      if (!matches(filter, signal)) continue;
      this.#pending.delete(messageId);
      this.#handedOut.set(messageId, signal);
      if (this.#overflowed && this.#pending.size < MAX_HELD / 2) {
        this.#overflowed = false;
        this.#requestCatchUp(); // what was left in the store
      }
      return signal;
    }
    return undefined;
  }
}
