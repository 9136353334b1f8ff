import { keys } from '../../protocol/keys.js';
import type {
  AckResult,
  AckWrite,
  AckSnapshot,
  AppendResult,
  HeartbeatWrite,
  InboxRef,
  PushListener,
  RegistryEntry,
  Store,
  StoredHeartbeat,
  StreamEntry,
  Subscription,
} from '../port.js';
import { PUSH_ACK_NOTICE, PUSH_SIGNAL, pushMessage } from '../push.js';
import { MemorySupervision } from './memory-supervision.js';

/**
 * The embedded in-process store: the same semantics as the Redis adapter, each operation one
 * synchronous step (so atomic), blocking reads woken by appends. Its clock is the machine's.
 */
export class MemoryStore extends MemorySupervision implements Store {
  readonly kind = 'memory' as const;

  async time(): Promise<number> {
    this.open('time');
    return Date.now();
  }

  async appendSignal(
    to: InboxRef,
    body: string,
    options: { messageId: string; senderId: string; idempotencyKey?: string; ttlMs: number },
  ): Promise<AppendResult> {
    this.open('appendSignal');
    if (options.idempotencyKey !== undefined) {
      const idemKey = keys.idempotency(to.swarmId, to.coordinatorId, options.idempotencyKey);
      const existing = this.strings.get(idemKey);
      if (existing !== undefined) return { messageId: existing, isDuplicate: true };
      this.strings.set(idemKey, options.messageId, options.ttlMs);
    }
    const id = this.appendEntry(keys.inbox(to.swarmId, to.coordinatorId), body, options.ttlMs);
    this.publish(keys.push(to.swarmId, to.coordinatorId), pushMessage(PUSH_SIGNAL, id, body));
    return { messageId: options.messageId, isDuplicate: false };
  }

  async ensureInbox(inbox: InboxRef, ttlMs: number): Promise<void> {
    this.open('ensureInbox');
    this.stream(keys.inbox(inbox.swarmId, inbox.coordinatorId), ttlMs);
  }

  async readPending(inbox: InboxRef, afterId: string, count: number): Promise<StreamEntry[]> {
    this.open('readPending');
    const stream = this.streams.get(keys.inbox(inbox.swarmId, inbox.coordinatorId));
    return stream ? stream.pendingFor(inbox.coordinatorId, afterId, count) : [];
  }

  async readNew(inbox: InboxRef, count: number): Promise<StreamEntry[]> {
    this.open('readNew');
    return this.streams.get(keys.inbox(inbox.swarmId, inbox.coordinatorId))?.deliverNew(inbox.coordinatorId, count) ?? [];
  }

  async subscribe(ref: InboxRef, listener: PushListener): Promise<Subscription> {
    this.open('subscribe');
    return this.subscribeChannel(keys.push(ref.swarmId, ref.coordinatorId), listener);
  }

  async isProcessed(inbox: InboxRef, messageId: string, addressedTo = inbox.coordinatorId): Promise<boolean> {
    this.open('isProcessed');
    return this.strings.get(keys.ack(inbox.swarmId, addressedTo, messageId)) !== undefined;
  }

  async discard(inbox: InboxRef, entryId: string): Promise<void> {
    this.open('discard');
    this.streams.get(keys.inbox(inbox.swarmId, inbox.coordinatorId))?.remove(entryId);
  }

  async acknowledge(
    inbox: InboxRef,
    options: AckWrite,
  ): Promise<AckResult> {
    this.open('acknowledge');
    if (options.entryId !== undefined) this.streams.get(keys.inbox(inbox.swarmId, inbox.coordinatorId))?.remove(options.entryId);
    const ackKey = keys.ack(inbox.swarmId, options.addressedTo ?? inbox.coordinatorId, options.messageId);
    const existing = this.strings.get(ackKey);
    if (existing !== undefined) return { body: existing, created: false };
    this.strings.set(ackKey, options.body, options.ttlMs);
    const noticeKey = keys.ackNotices(inbox.swarmId, options.senderId);
    const id = this.appendEntry(noticeKey, options.body, options.ttlMs);
    this.streams.get(noticeKey)?.trim(options.noticeMaxLen);
    this.publish(keys.push(inbox.swarmId, options.senderId), pushMessage(PUSH_ACK_NOTICE, id, options.body));
    return { body: options.body, created: true };
  }

  async readAckNotices(sender: InboxRef, afterId: string, count: number): Promise<StreamEntry[]> {
    this.open('readAckNotices');
    return this.streams.get(keys.ackNotices(sender.swarmId, sender.coordinatorId))?.readAfter(afterId, count) ?? [];
  }

  async ackSnapshot(sender: InboxRef, ackerIds: readonly string[], messageId: string): Promise<AckSnapshot> {
    this.open('ackSnapshot');
    return {
      acks: ackerIds.map((acker) => this.strings.get(keys.ack(sender.swarmId, acker, messageId)) ?? null),
      cursor: this.streams.get(keys.ackNotices(sender.swarmId, sender.coordinatorId))?.lastId ?? '0-0',
    };
  }

  async beat(hb: HeartbeatWrite): Promise<void> {
    this.open('beat');
    this.strings.set(keys.heartbeat(hb.coordinatorId), hb.body, hb.ttlMs);
    const registry = keys.registry(hb.swarmId);
    this.mapAt(this.sortedSets, registry, hb.registryTtlMs).set(hb.coordinatorId, hb.timestamp);
    this.sortedSets.expire(registry, hb.registryTtlMs);
  }

  async register(hb: HeartbeatWrite): Promise<void> {
    this.open('register');
    const swarms = this.sets.get(keys.swarms()) ?? new Set<string>();
    this.sets.set(keys.swarms(), swarms.add(hb.swarmId));
    await this.beat(hb);
  }

  async deregister(swarmId: string, coordinatorId: string): Promise<void> {
    this.open('deregister');
    this.strings.delete(keys.heartbeat(coordinatorId));
    this.sortedSets.get(keys.registry(swarmId))?.delete(coordinatorId);
  }

  async getHeartbeat(coordinatorId: string): Promise<StoredHeartbeat | null> {
    this.open('getHeartbeat');
    const key = keys.heartbeat(coordinatorId);
    const body = this.strings.get(key);
    const ttlMs = this.strings.ttl(key);
    return body === undefined || ttlMs === undefined ? null : { body, ttlMs };
  }

  async listRegistry(swarmId: string): Promise<RegistryEntry[]> {
    this.open('listRegistry');
    const registry = this.sortedSets.get(keys.registry(swarmId));
    return registry ? [...registry].map(([coordinatorId, lastSeen]) => ({ coordinatorId, lastSeen })) : [];
  }

  async putWork(owner: InboxRef, taskId: string, body: string, ttlMs: number): Promise<void> {
    this.open('putWork');
    const key = keys.work(owner.swarmId, owner.coordinatorId);
    this.mapAt(this.hashes, key, ttlMs).set(taskId, body);
    this.hashes.expire(key, ttlMs);
  }

  async listWork(owner: InboxRef): Promise<Map<string, string>> {
    this.open('listWork');
    return new Map(this.hashes.get(keys.work(owner.swarmId, owner.coordinatorId)) ?? []);
  }

  async listSwarms(): Promise<string[]> {
    this.open('listSwarms');
    return [...(this.sets.get(keys.swarms()) ?? [])];
  }

  async unregister(swarmId: string, coordinatorIds: readonly string[]): Promise<void> {
    this.open('unregister');
    const registry = this.sortedSets.get(keys.registry(swarmId));
    for (const id of coordinatorIds) registry?.delete(id);
  }

  /**
   * Appends a raw entry to any stream key, bypassing every check: the in-memory equivalent of
   * `redis-cli XADD`, for diagnostics and for tests that forge or tamper with messages.
   */
  appendRawEntry(key: string, body: string, ttlMs = 3_600_000): string {
    this.open('appendRawEntry');
    return this.appendEntry(key, body, ttlMs);
  }

  /** The bodies of a stream's entries, oldest first: the in-memory `XRANGE key - +`. */
  rawStream(key: string): string[] {
    this.open('rawStream');
    return (this.streams.get(key)?.readAfter('0-0', Number.MAX_SAFE_INTEGER) ?? []).map((e) => e.body ?? '');
  }
}
