import { InboxFullError, RateLimitedError } from '../../protocol/errors.js';
import { keys } from '../../protocol/keys.js';
import type { Operations } from '../roles/base.js';
import type { InboxRef, StreamEntry } from '../roles/common.js';
import type { AckResult, AckSnapshot, AckWrite, AppendOptions, AppendResult, InboxStore, PushListener, Subscription } from '../roles/inbox.js';
import { holdsMessage, PUSH_ACK_NOTICE, PUSH_SIGNAL, pushMessage } from '../push.js';
import type { MemoryKeyspace } from './memory-keyspace.js';

/** Signals and ACKs on the embedded store, with the semantics of the Lua scripts. */
export class MemoryInbox implements Operations<InboxStore> {
  readonly #space: MemoryKeyspace;

  constructor(keyspace: MemoryKeyspace) {
    this.#space = keyspace;
  }

  async appendSignal(to: InboxRef, body: string, options: AppendOptions): Promise<AppendResult> {
    const space = this.#space;
    space.open('appendSignal');
    if (options.idempotencyKey !== undefined) {
      const idemKey = keys.idempotency(to.swarmId, to.coordinatorId, options.idempotencyKey);
      const existing = space.strings.get(idemKey);
      if (existing !== undefined && existing !== options.replaceRecord) return { isDuplicate: true, record: existing };
    }
    const inboxKey = keys.inbox(to.swarmId, to.coordinatorId);
    const maxLength = options.maxInboxLength ?? 0;
    const length = space.streams.get(inboxKey)?.size ?? 0;
    if (maxLength > 0 && length >= maxLength) throw new InboxFullError(to.coordinatorId, length, maxLength);
    const perSecond = options.maxSendsPerSecond ?? 0;
    if (perSecond > 0) {
      const rateKey = keys.sendRate(to.swarmId, to.coordinatorId, options.senderId);
      const count = Number(space.strings.get(rateKey) ?? 0) + 1;
      // A new second starts with the first send in it, as INCR and PEXPIRE do on Redis.
      if (count === 1) space.strings.set(rateKey, '1', 1_000);
      else space.strings.replace(rateKey, String(count));
      if (count > perSecond) throw new RateLimitedError(options.senderId, to.coordinatorId, perSecond, Math.ceil(space.strings.ttl(rateKey) ?? 0));
    }
    if (options.idempotencyKey !== undefined) {
      space.strings.set(keys.idempotency(to.swarmId, to.coordinatorId, options.idempotencyKey), options.idempotencyRecord ?? options.messageId, options.ttlMs);
    }
    const id = space.appendEntry(keys.inbox(to.swarmId, to.coordinatorId), body, options.ttlMs);
    space.publish(keys.push(to.swarmId, to.coordinatorId), pushMessage(PUSH_SIGNAL, id, body));
    return { isDuplicate: false };
  }

  async ensureInbox(inbox: InboxRef, ttlMs: number): Promise<void> {
    this.#space.open('ensureInbox');
    this.#space.stream(keys.inbox(inbox.swarmId, inbox.coordinatorId), ttlMs);
  }

  async readPending(inbox: InboxRef, afterId: string, count: number): Promise<StreamEntry[]> {
    this.#space.open('readPending');
    const stream = this.#space.streams.get(keys.inbox(inbox.swarmId, inbox.coordinatorId));
    return stream ? stream.pendingFor(inbox.coordinatorId, afterId, count) : [];
  }

  async readNew(inbox: InboxRef, count: number): Promise<StreamEntry[]> {
    this.#space.open('readNew');
    return this.#space.streams.get(keys.inbox(inbox.swarmId, inbox.coordinatorId))?.deliverNew(inbox.coordinatorId, count) ?? [];
  }

  async subscribe(ref: InboxRef, listener: PushListener): Promise<Subscription> {
    this.#space.open('subscribe');
    return this.#space.subscribeChannel(keys.push(ref.swarmId, ref.coordinatorId), listener);
  }

  async readAck(inbox: InboxRef, messageId: string, receiverId = inbox.coordinatorId): Promise<string | null> {
    this.#space.open('readAck');
    return this.#space.strings.get(keys.ack(inbox.swarmId, receiverId, messageId)) ?? null;
  }

  async discard(inbox: InboxRef, entryId: string): Promise<void> {
    this.#space.open('discard');
    this.#space.streams.get(keys.inbox(inbox.swarmId, inbox.coordinatorId))?.remove(entryId);
  }

  async acknowledge(inbox: InboxRef, options: AckWrite): Promise<AckResult> {
    const space = this.#space;
    space.open('acknowledge');
    const ackKey = keys.ack(inbox.swarmId, options.receiverId ?? inbox.coordinatorId, options.messageId);
    const existing = space.strings.get(ackKey);
    if (existing !== undefined && existing !== options.replaceForged) return { body: existing, created: false };
    space.strings.set(ackKey, options.body, options.ttlMs);
    const stream = space.streams.get(keys.inbox(inbox.swarmId, inbox.coordinatorId));
    if (stream !== undefined && options.entryId !== undefined && holdsMessage(stream.bodyOf(options.entryId) ?? '', options.messageId)) stream.remove(options.entryId);
    const noticeKey = keys.ackNotices(inbox.swarmId, options.senderId);
    const id = space.appendEntry(noticeKey, options.body, options.ttlMs);
    space.streams.get(noticeKey)?.trim(options.noticeMaxLen);
    space.publish(keys.push(inbox.swarmId, options.senderId), pushMessage(PUSH_ACK_NOTICE, id, options.body));
    return { body: options.body, created: true };
  }

  async readAckNotices(sender: InboxRef, afterId: string, count: number): Promise<StreamEntry[]> {
    this.#space.open('readAckNotices');
    return this.#space.streams.get(keys.ackNotices(sender.swarmId, sender.coordinatorId))?.readAfter(afterId, count) ?? [];
  }

  async ackSnapshot(sender: InboxRef, ackerIds: readonly string[], messageId: string): Promise<AckSnapshot> {
    this.#space.open('ackSnapshot');
    return {
      acks: ackerIds.map((acker) => this.#space.strings.get(keys.ack(sender.swarmId, acker, messageId)) ?? null),
      cursor: this.#space.streams.get(keys.ackNotices(sender.swarmId, sender.coordinatorId))?.lastId ?? '0-0',
    };
  }
}
