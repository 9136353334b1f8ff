import { CONSUMER_GROUP, keys } from '../../protocol/keys.js';
import type { Operations } from '../roles/base.js';
import type { InboxRef, StreamEntry } from '../roles/common.js';
import type { AckResult, AckSnapshot, AckWrite, AppendOptions, AppendResult, InboxStore, PushListener, Subscription } from '../roles/inbox.js';
import { ThrottledLog } from '../../protocol/throttled-log.js';
import { CallBatch } from './call-batch.js';
import { SUBSCRIBE_TIMEOUT_MS } from './push-hub.js';
import type { RedisContext } from './redis-context.js';
import { ackSnapshotScript } from './scripts/ack-snapshot.js';
import { acknowledgeScript, type AckEntry, type AckOutcome } from './scripts/acknowledge.js';
import { appendSignalScript, type AppendEntry, type AppendOutcome } from './scripts/append-signal.js';
import { discardEntryScript } from './scripts/discard-entry.js';
import { ensureInboxScript } from './scripts/ensure-inbox.js';
import { toEntries, type RawStreams } from './stream-entries.js';

/**
 * Signals and ACKs on Redis. Sends and ACKs are Lua scripts on one swarm slot, batched per turn
 * (call-batch.ts); what they append is pushed to waiting coordinators (push-hub.ts).
 */
export class RedisInbox implements Operations<InboxStore> {
  readonly #redis: RedisContext;
  /** Lifetime of an inbox recreated because its group was missing. */
  readonly #inboxTtlMs: number;
  /** Inboxes found gone (or without their group), each said once until it is read again. */
  readonly #lost = new Set<string>();
  // Each batch's script call is the store operation (with its deadline); each entry keeps its own
  // outcome: nothing more is allocated per send or ACK.
  /** Keys of the wrong type found in an inbox's, ACK's or notice stream's place (hand-made or forged), replaced. */
  readonly #wrongType: ThrottledLog;
  readonly #appends: CallBatch<AppendEntry, AppendOutcome>;
  readonly #appendFailed = (error: unknown): never => {
    throw this.#redis.typedError('appendSignal', error);
  };
  readonly #acks: CallBatch<AckEntry, AckOutcome>;
  readonly #ackFailed = (error: unknown): never => {
    throw this.#redis.typedError('acknowledge', error);
  };

  constructor(redis: RedisContext, inboxTtlMs: number) {
    this.#redis = redis;
    this.#inboxTtlMs = inboxTtlMs;
    this.#wrongType = new ThrottledLog(redis.logger, 'warn');
    this.#appends = new CallBatch(
      (batch) => redis.callReplicated('appendSignal', keys.inbox(batch[0]!.to.swarmId, batch[0]!.to.coordinatorId), (client) => appendSignalScript.runPushFirst(client, batch, batch.length)),
      ({ to }) => to.swarmId,
    );
    this.#acks = new CallBatch(
      (batch) => redis.callReplicated('acknowledge', keys.inbox(batch[0]!.inbox.swarmId, batch[0]!.inbox.coordinatorId), (client) => acknowledgeScript.runPushFirst(client, batch, batch.length)),
      ({ inbox }) => inbox.swarmId,
    );
  }

  appendSignal(to: InboxRef, body: string, options: AppendOptions): Promise<AppendResult> {
    return this.#appends.add({ to, body, options }).then((outcome) => {
      if (outcome.replaced > 0) this.#replaced('appendSignal', to);
      return outcome.isDuplicate ? { isDuplicate: true, record: outcome.record } : { isDuplicate: false };
    }, this.#appendFailed);
  }

  async ensureInbox(inbox: InboxRef, ttlMs: number): Promise<void> {
    const { replaced } = await this.#redis.call('ensureInbox', () => ensureInboxScript.run(this.#redis.client, { inbox, ttlMs }));
    if (replaced) this.#replaced('ensureInbox', inbox);
  }

  readPending(inbox: InboxRef, afterId: string, count: number): Promise<StreamEntry[]> {
    return this.#redis.call('readPending', () => this.#readGroup(inbox, count, afterId));
  }

  readNew(inbox: InboxRef, count: number): Promise<StreamEntry[]> {
    return this.#redis.call('readNew', () => this.#readGroup(inbox, count, '>'));
  }

  subscribe(ref: InboxRef, listener: PushListener): Promise<Subscription> {
    // The push hub's own timeout ends a subscribe that Redis does not confirm, and unsubscribes it.
    return this.#redis.call('subscribe', () => this.#redis.pushes.subscribe(keys.push(ref.swarmId, ref.coordinatorId), listener), SUBSCRIBE_TIMEOUT_MS);
  }

  readAck(inbox: InboxRef, messageId: string, receiverId = inbox.coordinatorId): Promise<string | null> {
    return this.#redis.call('readAck', () => this.#redis.client.get(keys.ack(inbox.swarmId, receiverId, messageId)).catch(wrongTypeAs(null)));
  }

  discard(inbox: InboxRef, entryId: string): Promise<void> {
    return this.#redis.call('discard', () => discardEntryScript.run(this.#redis.client, { inbox, entryId }));
  }

  acknowledge(inbox: InboxRef, options: AckWrite): Promise<AckResult> {
    return this.#acks.add({ inbox, options }).then((outcome) => {
      if (outcome.replaced > 0) this.#replaced('acknowledge', inbox);
      return { body: outcome.body, created: outcome.created };
    }, this.#ackFailed);
  }

  readAckNotices(sender: InboxRef, afterId: string, count: number): Promise<StreamEntry[]> {
    // A notice stream of the wrong type reads as empty (the next ACK to this sender replaces it).
    return this.#redis.call('readAckNotices', async () =>
      toEntries((await this.#redis.client.xread('COUNT', count, 'STREAMS', keys.ackNotices(sender.swarmId, sender.coordinatorId), afterId).catch(wrongTypeAs(null))) as RawStreams),
    );
  }

  ackSnapshot(sender: InboxRef, ackerIds: readonly string[], messageId: string): Promise<AckSnapshot> {
    return this.#redis.call('ackSnapshot', () => ackSnapshotScript.run(this.#redis.client, { sender, ackerIds, messageId }));
  }

  /**
   * XREADGROUP of the inbox as its coordinator. A stream without its group (made by a raw XADD)
   * gets the group and the read is retried once; a missing stream reads as empty: a read never
   * creates an inbox (as on the memory store), ensureInbox and appendSignal do.
   */
  async #readGroup(inbox: InboxRef, count: number, from: string): Promise<StreamEntry[]> {
    const key = keys.inbox(inbox.swarmId, inbox.coordinatorId);
    const read = async () => toEntries((await this.#redis.client.xreadgroup('GROUP', CONSUMER_GROUP, inbox.coordinatorId, 'COUNT', count, 'STREAMS', key, from)) as RawStreams);
    try {
      const entries = await read();
      if (this.#lost.size > 0) this.#lost.delete(key);
      return entries;
    } catch (error) {
      // NOGROUP: the inbox expired or was deleted; UNBLOCKED: it was, while this read was blocked on
      // it; WRONGTYPE: a key of another type is in its place (ensureInbox replaces it).
      if (!(error instanceof Error) || !/^(NOGROUP|UNBLOCKED|WRONGTYPE)/.test(error.message)) throw error;
      const gone = (await this.#redis.client.exists(key)) === 0;
      this.#lostState(key, inbox, gone);
      if (gone) return [];
      const { replaced } = await ensureInboxScript.run(this.#redis.client, { inbox, ttlMs: this.#inboxTtlMs });
      if (replaced) this.#replaced('readNew', inbox);
      return read();
    }
  }

  /** Keys of the wrong type replaced by a script: made by hand, or by someone writing to Redis without the secret. */
  #replaced(operation: string, ref: InboxRef): void {
    this.#redis.lostState.wrongTypeKeysReplaced += 1;
    this.#wrongType.note(
      'wrong-type',
      { operation, swarmId: ref.swarmId, coordinatorId: ref.coordinatorId },
      `${operation} found a key of the wrong type where Rendezvous keeps an inbox, an ACK, an idempotency record or an ACK notice stream (made by hand, or forged by someone who can write to Redis): deleted and written anew`,
    );
  }

  /**
   * A running coordinator's inbox found missing, or without its consumer group, said once per inbox
   * until it is read again. Missing has ordinary causes too (no signal for signalTtlMs, so it
   * expired; an escalation moved it), so it is information; a stream without its group is not
   * ordinary (a raw XADD, a deleted group, a Redis that lost part of its state): a warning.
   */
  #lostState(key: string, inbox: InboxRef, gone: boolean): void {
    if (this.#lost.has(key)) return;
    this.#lost.add(key);
    if (gone) this.#redis.lostState.inboxesGone += 1;
    else this.#redis.lostState.groupsRecreated += 1;
    const fields = { swarmId: inbox.swarmId, coordinatorId: inbox.coordinatorId, key };
    if (gone) this.#redis.logger.info(fields, `the inbox of ${inbox.coordinatorId} is gone from Redis (it expired after signalTtlMs without a signal, an escalation moved it, or Redis lost its data); a send recreates it`);
    else this.#redis.logger.warn(fields, `the inbox of ${inbox.coordinatorId} is there without its consumer group (a raw XADD, a deleted group, or Redis lost state): recreated, its entries are delivered again`);
  }
}

/** A read of a key that holds another type (hand-made or forged) gives `value` instead of failing. */
function wrongTypeAs<T>(value: T): (error: unknown) => T {
  return (error) => {
    if (error instanceof Error && error.message.startsWith('WRONGTYPE')) return value;
    throw error;
  };
}
