import Denque from 'denque';
import type { Signal } from '../protocol/signal.js';
import { compareEntryIds } from '../store/entry-id.js';
import { holdsMessage } from '../store/push.js';
import { matches, type CompiledFilter } from './signal-filter.js';

/** Entry ids of signals acknowledged lately: read again by a catch-up that raced the ACK, they are not replays. */
const RECENTLY_SETTLED = 1_024;

/** A verified signal with the inbox entry that carried it. */
export type HeldSignal = Signal & { entryId: string };

/**
 * The verified signals an inbox holds, in stream order: pending (no wait took them yet) and
 * handed out (a wait took them, not yet acknowledged), with the entry ids already handled so a
 * catch-up that reads an entry again does not take it for a new one.
 */
export class HeldSignals {
  /** Verified, not yet handed out; messageId -> signal, in stream order. */
  readonly #pending = new Map<string, Signal>();
  /** What each held signal weighs (the characters of its stored body), and the pending ones together. */
  readonly #sizes = new Map<string, number>();
  #pendingBytes = 0;
  /** Handed out by a wait, not yet acknowledged; messageId -> signal, oldest hand-out first. */
  readonly #handedOut = new Map<string, Signal>();
  #handedOutBytes = 0;
  /** Entry ids held in #pending or #handedOut, each with its signal's messageId. */
  readonly #entryIds = new Map<string, string>();
  readonly #settledEntryIds = new Map<string, string>();
  /** Its keys, oldest first (forgetting through keys().next() would step over every slot deleted before). */
  readonly #settledOrder = new Denque<string>();
  /** The newest entry id ever held: pushes arrive in stream order, so a sort is rarely needed. */
  #newestHeld: string | undefined;

  get pendingCount(): number {
    return this.#pending.size;
  }

  /** The characters of the pending signals' stored bodies (bytes, for the ASCII JSON signals are). */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  /** Handed out by a wait and not yet acknowledged: how many, and their stored bodies' characters. */
  get handedOutCount(): number {
    return this.#handedOut.size;
  }

  get handedOutBytes(): number {
    return this.#handedOutBytes;
  }

  /**
   * Whether this entry was handled already (held now, or settled lately): its id, with the same
   * message in it. A forged push may have claimed the id of an entry still unread: the entry read
   * later under that id holds another message, and is not taken for handled.
   */
  knowsEntry(entryId: string, body: string | null): boolean {
    const messageId = this.#entryIds.get(entryId) ?? this.#settledEntryIds.get(entryId);
    return messageId !== undefined && body !== null && holdsMessage(body, messageId);
  }

  /** Whether a copy of this message is held (pending or handed out). */
  has(messageId: string): boolean {
    return this.#pending.has(messageId) || this.#handedOut.has(messageId);
  }

  /** Keeps stream order: an entry older than those held (found by a catch-up) goes before them. */
  hold(signal: HeldSignal, bytes: number): void {
    const entryId = signal.entryId;
    this.#pending.set(signal.messageId, signal);
    this.#sizes.set(signal.messageId, bytes);
    this.#pendingBytes += bytes;
    this.#entryIds.set(entryId, signal.messageId);
    if (this.#newestHeld === undefined || compareEntryIds(this.#newestHeld, entryId) < 0) {
      this.#newestHeld = entryId;
      return;
    }
    this.#sortPending();
  }

  /** The oldest pending signal that matches, now handed out. */
  takeMatching(filter: CompiledFilter): Signal | undefined {
    for (const [messageId, signal] of this.#pending) {
      if (!matches(filter, signal)) continue;
      const bytes = this.#sizes.get(messageId) ?? 0;
      this.#pending.delete(messageId);
      this.#pendingBytes -= bytes;
      this.#handedOut.set(messageId, signal);
      this.#handedOutBytes += bytes;
      return signal;
    }
    return undefined;
  }

  /** Gives handed-out signals back (a barrier that failed): later waits can take them again. */
  untake(signals: readonly Signal[]): void {
    for (const signal of signals) {
      const held = this.#handedOut.get(signal.messageId);
      if (!held) continue;
      const bytes = this.#sizes.get(signal.messageId) ?? 0;
      this.#handedOut.delete(signal.messageId);
      this.#handedOutBytes -= bytes;
      this.#pending.set(signal.messageId, held);
      this.#pendingBytes += bytes;
    }
    this.#sortPending();
  }

  /** A held signal, handed out or pending. */
  get(messageId: string): Signal | undefined {
    return this.#handedOut.get(messageId) ?? this.#pending.get(messageId);
  }

  /** The inbox entry of a held signal. */
  entryIdOf(messageId: string): string | undefined {
    return this.get(messageId)?.entryId;
  }

  /**
   * The signal was acknowledged: forget it, and remember its entry as handled. `carried`: the entry
   * id the acknowledged signal carried, for one forgotten here past the handed-out limit.
   */
  settle(messageId: string, carried?: string): void {
    const entryId = this.entryIdOf(messageId) ?? carried;
    if (entryId !== undefined) {
      this.#entryIds.delete(entryId);
      if (!this.#settledEntryIds.has(entryId)) this.#settledOrder.push(entryId);
      this.#settledEntryIds.set(entryId, messageId);
      if (this.#settledEntryIds.size > RECENTLY_SETTLED) this.#settledEntryIds.delete(this.#settledOrder.shift()!);
    }
    const bytes = this.#sizes.get(messageId) ?? 0;
    if (this.#handedOut.delete(messageId)) this.#handedOutBytes -= bytes;
    if (this.#pending.delete(messageId)) this.#pendingBytes -= bytes;
    this.#sizes.delete(messageId);
  }

  /**
   * Forgets the oldest handed-out signals beyond `maxCount` or `maxBytes` (the newest is always
   * kept): a caller that never acknowledges cannot grow this without end. A forgotten signal's
   * entry stays pending in the store, so a later catch-up delivers it again (at least once), and
   * acknowledging the signal object still works (it carries its entry id). Returns what was held
   * before, when it was over a limit; undefined (and no work) when it was not.
   */
  forgetOldestHandedOut(maxCount: number, maxBytes: number): { signals: number; bytes: number } | undefined {
    const within = () => this.#handedOut.size <= 1 || (this.#handedOut.size <= maxCount && this.#handedOutBytes <= maxBytes);
    if (within()) return undefined;
    const before = { signals: this.#handedOut.size, bytes: this.#handedOutBytes };
    for (const [messageId, signal] of this.#handedOut) {
      if (within()) break;
      this.#handedOut.delete(messageId);
      this.#handedOutBytes -= this.#sizes.get(messageId) ?? 0;
      this.#sizes.delete(messageId);
      if (signal.entryId !== undefined) this.#entryIds.delete(signal.entryId);
    }
    return before;
  }

  #sortPending(): void {
    const ordered = [...this.#pending.values()].sort((a, b) => compareEntryIds(a.entryId ?? '0-0', b.entryId ?? '0-0'));
    this.#pending.clear();
    for (const held of ordered) this.#pending.set(held.messageId, held);
  }
}
