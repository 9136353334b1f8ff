import { AbortedError, CoordinatorShutdownError, SignalTimeoutError } from '../protocol/errors.js';
import type { Keyring } from '../protocol/keyring.js';
import type { Logger } from '../protocol/logger.js';
import type { RejectionReason } from '../protocol/rejection.js';
import { decodeSignal, type Signal, type SignalCheck } from '../protocol/signal.js';
import type { InboxRef, Store, StreamEntry } from '../store/port.js';
import type { CoordinatorConfig } from './config.js';
import type { RejectionEvent } from './rejection-event.js';
import { pauseBeforeRetry } from './retry-pause.js';
import { matches, type CompiledFilter } from './signal-filter.js';
import { AckedMessages } from './acked-messages.js';

interface Waiter {
  filter: CompiledFilter;
  /** performance.now() ms. */
  deadline: number;
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
}

/**
 * A coordinator's side of its durable inbox. Verified signals wait here in stream order until a
 * wait whose filter matches takes them; one blocking read serves every concurrent wait, and only
 * while there is one (no polling). A signal handed out stays pending in the store until
 * acknowledged, so a crash before the ACK means redelivery to the next instance of this id.
 */
export class Inbox {
  readonly #deps: InboxDeps;
  #check: SignalCheck;
  /** Verified, not yet handed out; messageId -> signal (with its deliveryId), in stream order. */
  readonly #pending = new Map<string, Signal>();
  /** Handed out by a wait, not yet acknowledged; messageId -> signal. */
  readonly #handedOut = new Map<string, Signal>();
  /** Entry ids held in #pending or #handedOut: reading one again (a reload) is not a duplicate. */
  readonly #entryIds = new Set<string>();
  /** A read failed: entries may have been delivered to us without reaching us; re-read the pending list. */
  #reloadPending = false;
  readonly #waiters = new Set<Waiter>();
  readonly #acked: AckedMessages;
  readonly #stop = new AbortController();
  #pump: Promise<void> | undefined;

  constructor(deps: InboxDeps) {
    this.#deps = deps;
    this.#check = deps.check;
    this.#acked = new AckedMessages(deps.config.replayWindowMs);
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

  /** Reads what was delivered to this id before and never acknowledged (a previous instance's crash). */
  async load(): Promise<void> {
    this.#acked.startAt(this.#deps.now());
    await this.#readPendingList();
  }

  async #readPendingList(): Promise<void> {
    const { store, ref, config } = this.#deps;
    let after = '0-0';
    for (;;) {
      const entries = await store.readPending(ref, after, config.readBatchSize);
      if (entries.length === 0) return;
      for (const entry of entries) {
        after = entry.id;
        await this.#accept(entry);
      }
    }
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
        deadline: performance.now() + timeoutMs,
        resolve: (s) => (settle(), resolve(s)),
        reject: (e) => (settle(), reject(e)),
      };
      const onAbort = () => waiter.reject(new AbortedError(id, signal?.reason));
      const timer = setTimeout(() => waiter.reject(new SignalTimeoutError(id, timeoutMs, filter.describe())), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.add(waiter);
      this.#startPump();
    });
  }

  /** The signal was acknowledged (whether or not a wait took it): forget it, and remember it was. */
  settle(signal: Pick<Signal, 'messageId' | 'timestamp'>): void {
    const held = this.#handedOut.get(signal.messageId) ?? this.#pending.get(signal.messageId);
    if (held?.deliveryId !== undefined) this.#entryIds.delete(held.deliveryId);
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
    this.#dispatch();
  }

  /** Ends the blocking read and rejects every wait. */
  async close(): Promise<void> {
    this.#stop.abort();
    for (const waiter of this.#waiters) waiter.reject(new CoordinatorShutdownError(this.#deps.ref.coordinatorId));
    await this.#pump;
  }

  #startPump(): void {
    if (this.#pump) return;
    this.#pump = this.#run().finally(() => {
      this.#pump = undefined;
      if (this.#waiters.size > 0 && !this.#stop.signal.aborted) this.#startPump();
    });
  }

  async #run(): Promise<void> {
    const { store, ref, config, logger } = this.#deps;
    let failures = 0;
    while (this.#waiters.size > 0 && !this.#stop.signal.aborted) {
      let entries: StreamEntry[];
      try {
        if (this.#reloadPending) {
          await this.#readPendingList();
          this.#reloadPending = false;
          this.#dispatch();
        }
        entries = await store.readNew(ref, { count: config.readBatchSize, blockMs: this.#blockMs(), signal: this.#stop.signal });
        failures = 0;
      } catch (error) {
        failures += 1;
        // The reply may have been lost after the store delivered entries: they are pending for us now.
        this.#reloadPending = true;
        logger.warn({ err: error, failures }, 'inbox read failed; retrying');
        await pauseBeforeRetry(failures, this.#stop.signal);
        continue;
      }
      for (const entry of entries) await this.#accept(entry);
      this.#dispatch();
    }
  }

  /** Block until the latest waiter's deadline, capped so a dead socket is noticed. */
  #blockMs(): number {
    let latest = 0;
    for (const waiter of this.#waiters) latest = Math.max(latest, waiter.deadline);
    return Math.max(1, Math.min(this.#deps.config.maxBlockMs, Math.ceil(latest - performance.now())));
  }

  async #accept(entry: StreamEntry): Promise<void> {
    const { store, ref, logger } = this.#deps;
    if (this.#entryIds.has(entry.id)) return; // read again (a reload): already held here
    if (entry.body === null) return this.#discard(entry.id); // deleted while pending: nothing to deliver
    const decoded = decodeSignal(entry.body, entry.time, this.#check);
    if (!decoded.ok) return this.#reject(entry.id, decoded.reason, decoded.detail, decoded.messageId);
    const signal = decoded.value;
    if (this.#pending.has(signal.messageId) || this.#handedOut.has(signal.messageId)) {
      return this.#reject(entry.id, 'duplicate_delivery', 'a copy of this message is already here', signal.messageId);
    }
    const known = this.#acked.wasAcknowledged(signal.messageId, signal.timestamp);
    let processed = known ?? false;
    if (known === undefined) {
      try {
        processed = await store.isProcessed(ref, signal.messageId, signal.receiverId);
      } catch (error) {
        // Unknown: deliver it (at-least-once); acknowledging returns the earlier ACK if there is one.
        logger.warn({ err: error, messageId: signal.messageId }, 'could not check whether a signal was already processed');
      }
    }
    if (processed) return this.#reject(entry.id, 'replay_processed', 'this message was already acknowledged', signal.messageId);
    const delivered = { ...signal, deliveryId: entry.id };
    this.#pending.set(signal.messageId, delivered);
    this.#entryIds.add(entry.id);
    this.#deps.onAccepted(delivered);
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
      // It stays pending in the store and is examined again by the next instance's load().
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
      return signal;
    }
    return undefined;
  }
}
