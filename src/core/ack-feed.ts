import Denque from 'denque';
import { decodeAck, type Ack, type AckCheck } from '../protocol/ack.js';
import type { Logger } from '../protocol/logger.js';
import { isOverLimit } from '../protocol/message-fields.js';
import type { Decoded } from '../protocol/rejection.js';
import { compareEntryIds } from '../store/entry-id.js';
import { detached } from '../store/push.js';
import type { InboxRef, InboxStore, StreamEntry, Subscription } from '../store/port.js';
import type { CoordinatorConfig } from './coordinator-options.js';
import type { KeyringSlot } from './secrets.js';
import type { StoreClock } from './store-clock.js';
import { WorkQueue } from './work-queue.js';

/**
 * Notices of a message just sent are kept this long, and for this many messages at most, for a
 * wait that has not begun yet (it begins after its send returns). A later wait reads the ACK keys.
 */
const KEEP_MS = 10_000;
const KEPT_MESSAGES = 1_024;
/** Notices of messages not (yet) expected: a notice can overtake the reply of its own send. */
const KEPT_UNEXPECTED = 64;
/** Notices remembered (id and the tail of the body) to drop the copy a catch-up read gives of a notice already pushed. */
const SEEN_IDS = 4_096;
/** The tail of a notice's body (its signature's) that tells a genuine notice from a forged push of the same id. */
const SEEN_TAIL = 24;

/** An ACK notice as the feed hands it out: parsed and verified once, for every wait on its message. */
export interface Notice extends StreamEntry {
  /** The ACK it carries, verified against the feed's sender and keyring, or why it was rejected. */
  readonly decoded: Decoded<Ack>;
}

/** A wait on one message's ACK notices. */
export interface NoticeWatch {
  notice(notice: Notice): void;
  /** Notices may have been missed and could not all be read back: look at the ACK keys. */
  gap(): void;
}

export interface AckFeedDeps {
  store: InboxStore;
  /** Whose ACK notice stream (and push channel) this feed follows. */
  sender: InboxRef;
  config: CoordinatorConfig;
  logger: Logger;
  stop: AbortSignal;
  /** The store clock: a pushed notice's replay window counts from when it arrived. */
  clock: StoreClock;
  /** The keys notices are verified with. */
  keys: KeyringSlot;
}

/** A notice without a body (its entry was deleted): nothing to verify, no message it is about. */
const NO_BODY: Decoded<Ack> = { ok: false, reason: 'malformed', detail: 'ACK notice has no body' };

/** A message's notices kept for a wait that has not begun yet. */
interface Kept {
  messageId: string;
  generation: number;
  at: number;
  notices: Notice[];
}

/** What notices weigh: the characters of their bodies (bytes, for the ASCII JSON Rendezvous writes). */
function bytesOf(notices: readonly StreamEntry[]): number {
  let total = 0;
  for (const notice of notices) total += notice.body?.length ?? 0;
  return total;
}

/** The messageId a notice that failed its schema claims to be about; a body over `maxBytes` is not parsed. */
function messageIdOf(body: string | null, maxBytes: number): string | undefined {
  if (body === null || isOverLimit(body, maxBytes)) return undefined;
  try {
    const parsed = JSON.parse(body) as { messageId?: unknown } | null;
    return typeof parsed?.messageId === 'string' ? parsed.messageId : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One sender's ACK notices, as the store pushes them, for every wait of one coordinator: a
 * notice is parsed once and handed to the waits on its message. Notices of messages this
 * coordinator just sent are kept, so a wait that begins after its ACKs arrived still sees them
 * without a read. After a reconnection the notices appended meanwhile are read back from the
 * stream; the `generation` then changes, and waits on messages sent before it check the ACK keys.
 */
export class AckFeed {
  readonly #deps: AckFeedDeps;
  readonly #watches = new Map<string, Set<NoticeWatch>>();
  /** Expected messageId -> its notices so far, with the generation it was expected in. */
  readonly #kept = new Map<string, Kept>();
  /** #kept's entries, oldest first (a replaced one stays here until trimmed): forgetting the oldest is O(1), not a walk over a Map's deleted slots. */
  readonly #keptOrder = new Denque<Kept>();
  readonly #unexpected = new Map<string, Notice[]>();
  /** Messages whose early notices were forgotten: expected later, their waits read the ACK keys. */
  readonly #dropped = new Set<string>();
  /** Characters of the notice bodies kept (expected and unexpected): held to maxHeldBytes. */
  #keptBytes = 0;
  readonly #seen = new Set<string>();
  /** #seen's entries, oldest first: trimming a full Set through values().next() steps over every slot deleted before. */
  readonly #seenOrder = new Denque<string>();
  /** The newest notice id taken: a catch-up reads after it. */
  #lastId = '0-0';
  #generation = 0;
  #subscription: Subscription | undefined;
  /** Pushes and catch-ups, one after another in arrival order. */
  readonly #work: WorkQueue;
  #check: AckCheck | undefined;

  constructor(deps: AckFeedDeps) {
    this.#deps = deps;
    this.#work = new WorkQueue(deps.logger, 'ACK notice', deps.stop, deps.store.breaker);
  }

  /** Subscribes; from when it resolves, every notice of the sender reaches this feed. */
  async open(): Promise<void> {
    const { store, sender } = this.#deps;
    this.#subscription = await store.subscribe(sender, {
      // Anyone who can PUBLISH can forge a push, entry id included: its time is when it arrived, and
      // its id never moves the catch-up's cursor (a forged id far ahead would hide real notices).
      ackNotice: (entry) => {
        const arrived = this.#deps.clock.now();
        this.#work.run(() => this.#take(entry.entryId, arrived, entry.body, false));
      },
      resync: () => this.#work.catchUp(() => this.#catchUp()),
    });
    try {
      // Where a catch-up starts reading; a notice pushed meanwhile is taken too (dropped once by id).
      const { cursor } = await store.ackSnapshot(sender, [], '');
      await this.#work.enqueue(async () => {
        if (this.#lastId === '0-0') this.#lastId = cursor;
      });
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    this.#work.stop(); // a catch-up still retrying ends, as at shutdown
    await this.#subscription?.close().catch(() => undefined);
    this.#subscription = undefined;
    await this.#work.idle();
  }

  /** A message this coordinator just sent: keep its notices for the wait that may follow. */
  expect(messageId: string): void {
    const early = this.#unexpected.get(messageId);
    if (early) this.#unexpected.delete(messageId);
    const now = performance.now();
    // Some of its notices came early and were forgotten: this feed cannot vouch for what it has (generation -1 never matches).
    const incomplete = this.#dropped.size > 0 && this.#dropped.delete(messageId);
    const kept: Kept = { messageId, generation: incomplete ? -1 : this.#generation, at: now, notices: early ?? [] };
    this.#kept.set(messageId, kept);
    this.#keptOrder.push(kept);
    this.#trim(now);
  }

  /**
   * Forgets, oldest first (a Map keeps insertion order), unexpected notices beyond their count or
   * the bytes (they may be anyone's, so they go first), then kept ones that are too old, too many
   * or too large together: a wait on a message forgotten here reads its ACK keys instead.
   */
  #trim(now = performance.now()): void {
    const maxBytes = this.#deps.config.maxHeldBytes;
    if (this.#unexpected.size > KEPT_UNEXPECTED || this.#keptBytes > maxBytes) {
      for (const [id, notices] of this.#unexpected) {
        if (this.#unexpected.size <= KEPT_UNEXPECTED && this.#keptBytes <= maxBytes) break;
        this.#unexpected.delete(id);
        this.#keptBytes -= bytesOf(notices);
        this.#dropped.add(id);
        if (this.#dropped.size > KEPT_MESSAGES) this.#dropped.delete(this.#dropped.values().next().value!);
      }
    }
    for (let oldest = this.#keptOrder.peekFront(); oldest !== undefined; oldest = this.#keptOrder.peekFront()) {
      const current = this.#kept.get(oldest.messageId) === oldest;
      if (current && this.#kept.size <= KEPT_MESSAGES && now - oldest.at <= KEEP_MS && this.#keptBytes <= maxBytes) break;
      this.#keptOrder.shift();
      if (!current) continue; // expected again since: its newer entry is further back
      this.#kept.delete(oldest.messageId);
      this.#keptBytes -= bytesOf(oldest.notices);
    }
  }

  /**
   * The notices of `messageId` that arrived before the wait began, when this feed saw every one
   * since the message was sent (expected, and no gap since); undefined when the wait must read the ACK keys.
   */
  noticesSoFar(messageId: string): Notice[] | undefined {
    const kept = this.#kept.get(messageId);
    if (!kept || kept.generation !== this.#generation || performance.now() - kept.at > KEEP_MS) return undefined;
    return [...kept.notices];
  }

  /** Hands every later notice of `messageId` to `watch` until the returned function is called. */
  watch(messageId: string, watch: NoticeWatch): () => void {
    let watches = this.#watches.get(messageId);
    if (!watches) this.#watches.set(messageId, (watches = new Set()));
    watches.add(watch);
    return () => {
      watches.delete(watch);
      if (watches.size === 0 && this.#watches.get(messageId) === watches) this.#watches.delete(messageId);
    };
  }

  /** A notice pushed or `read` from the stream (only a read's entry id is the store's own), arrived at `time`. */
  #take(entryId: string, time: number, body: string | null, read: boolean): void {
    // A read entry moves the cursor even when its push came first: else a catch-up after a read
    // batch of pushed notices would read that batch again, for ever.
    if (read && compareEntryIds(entryId, this.#lastId) > 0) this.#lastId = entryId;
    // By id and body: a forged push may claim the id a genuine notice is about to get.
    const seen = `${entryId} ${detached((body ?? '').slice(-SEEN_TAIL))}`;
    if (this.#seen.has(seen)) return;
    this.#seen.add(seen);
    this.#seenOrder.push(seen);
    if (this.#seen.size > SEEN_IDS) this.#seen.delete(this.#seenOrder.shift()!);
    // Verified here, once, for every wait on its message (and for the waits that begin later).
    const decoded = body === null ? NO_BODY : decodeAck(body, time, this.#ackCheck());
    const notice: Notice = { entryId, time, body, decoded };
    const messageId = decoded.ok ? decoded.value.messageId : (decoded.messageId ?? messageIdOf(body, this.#deps.config.maxSignalBytes));
    if (messageId === undefined) {
      // Not about any message: every wait judges it (and counts it as rejected).
      for (const watches of this.#watches.values()) for (const watch of watches) watch.notice(notice);
      return;
    }
    const kept = this.#kept.get(messageId);
    if (kept) kept.notices.push(notice);
    else this.#unexpected.set(messageId, [...(this.#unexpected.get(messageId) ?? []), notice]);
    this.#keptBytes += body?.length ?? 0;
    this.#trim();
    const watches = this.#watches.get(messageId);
    if (watches) for (const watch of watches) watch.notice(notice);
  }

  /** What notices are verified against: this feed's sender and the current keys (rebuilt only when they are rotated). */
  #ackCheck(): AckCheck {
    const { keys, sender, config } = this.#deps;
    if (this.#check?.keyring === keys.current) return this.#check;
    this.#check = { keyring: keys.current, senderId: sender.coordinatorId, replayWindowMs: config.replayWindowMs, maxBodyBytes: config.maxSignalBytes };
    return this.#check;
  }

  /** Reads the notices appended while pushes may have been missed; a capped stream may have dropped some, so waits look at the keys too. */
  async #catchUp(): Promise<void> {
    const { store, sender, config } = this.#deps;
    for (;;) {
      const entries = await store.readAckNotices(sender, this.#lastId, config.readBatchSize);
      for (const entry of entries) this.#take(entry.entryId, entry.time, entry.body, true);
      if (entries.length < config.readBatchSize) break;
    }
    this.#generation += 1;
    for (const watches of this.#watches.values()) for (const watch of watches) watch.gap();
  }
}
