import type { Cluster, Redis } from 'ioredis';
import { DEFAULTS } from '../../protocol/defaults.js';
import { CONSUMER_GROUP, keys } from '../../protocol/keys.js';
import type {
  AckResult,
  AckWrite,
  AckSnapshot,
  AppendOptions,
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
import { toEntries, type RawStreams, type RedisStoreOptions } from './redis-base.js';
import { RedisSupervision } from './redis-supervision.js';
import { scripts } from './lua-script.js';
import { CallBatch } from './call-batch.js';
import { SUBSCRIBE_TIMEOUT_MS } from './push-hub.js';

/**
 * The Redis adapter (standalone, Sentinel or Cluster through ioredis). Multi-key operations are
 * Lua scripts on one swarm slot; what they append to inboxes and ACK notice streams is pushed to
 * waiting coordinators over one pub/sub connection (push-hub.ts).
 */
const REGISTRY_PAGE = 1_000;
const ignore = (): void => undefined;
/** How long a heartbeat may wait for others to share its write: a beat is every 5 s, its TTL 90 s. */
const BEAT_BATCH_MS = 20;

export class RedisStore extends RedisSupervision implements Store {
  readonly kind = 'redis' as const;
  readonly #inboxTtlMs: number;
  // Each batch's script call is the store operation (with its deadline); each entry keeps its own
  // outcome, typed by one function per kind: nothing more is allocated per send, ACK or beat.
  readonly #appends = new CallBatch<{ to: InboxRef; body: string; options: AppendOptions }, [string, number]>(
    (batch) => this.call('appendSignal', () => this.#appendBatch(batch)),
    ({ to }) => to.swarmId,
  );
  readonly #appendFailed = (error: unknown): never => {
    throw this.typedError('appendSignal', error);
  };
  readonly #acks = new CallBatch<{ inbox: InboxRef; options: AckWrite }, [string, number]>(
    (batch) => this.call('acknowledge', () => this.#ackBatch(batch)),
    ({ inbox }) => inbox.swarmId,
  );
  readonly #ackFailed = (error: unknown): never => {
    throw this.typedError('acknowledge', error);
  };
  /** Heartbeats of this process's coordinators due within BEAT_BATCH_MS go in one write. */
  readonly #beats = new CallBatch<HeartbeatWrite, true>((batch) => this.call('beat', () => this.#beatBatch(batch)), () => 'all', BEAT_BATCH_MS);
  readonly #beatFailed = (error: unknown): never => {
    throw this.typedError('beat', error);
  };

  constructor(client: Redis | Cluster, options: RedisStoreOptions) {
    super(client, options);
    this.#inboxTtlMs = options.inboxTtlMs ?? DEFAULTS.signalTtlMs;
  }

  time(): Promise<number> {
    return this.call('time', async () => {
      const [seconds, micros] = await this.client.time();
      return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    });
  }

  appendSignal(to: InboxRef, body: string, options: AppendOptions): Promise<AppendResult> {
    return this.#appends.add({ to, body, options }).then(([messageId, duplicate]) => ({ messageId, isDuplicate: duplicate === 1 }), this.#appendFailed);
  }

  /** One script call for signals appended in the same turn to one swarm. */
  #appendBatch(batch: { to: InboxRef; body: string; options: AppendOptions }[]): Promise<unknown[]> {
    const keyList = batch.flatMap(({ to, options }) => [
      keys.inbox(to.swarmId, to.coordinatorId),
      keys.idempotency(to.swarmId, to.coordinatorId, options.idempotencyKey ?? '-'),
    ]);
    const args = batch.flatMap(({ to, body, options }) => [
      body, options.messageId, options.ttlMs, options.idempotencyKey === undefined ? '0' : '1', keys.push(to.swarmId, to.coordinatorId),
    ]);
    return scripts.appendSignal.runPushFirst(this.client, keyList, [CONSUMER_GROUP, ...args], batch.length) as Promise<unknown[]>;
  }

  ensureInbox(inbox: InboxRef, ttlMs: number): Promise<void> {
    return this.call('ensureInbox', async () => {
      await scripts.ensureInbox.run(this.client, [keys.inbox(inbox.swarmId, inbox.coordinatorId)], [CONSUMER_GROUP, ttlMs]);
    });
  }

  readPending(inbox: InboxRef, afterId: string, count: number): Promise<StreamEntry[]> {
    return this.call('readPending', () =>
      this.#withGroup(inbox, async () => {
        const key = keys.inbox(inbox.swarmId, inbox.coordinatorId);
        const reply = (await this.client.xreadgroup('GROUP', CONSUMER_GROUP, inbox.coordinatorId, 'COUNT', count, 'STREAMS', key, afterId)) as RawStreams;
        return toEntries(reply);
      }),
    );
  }

  readNew(inbox: InboxRef, count: number): Promise<StreamEntry[]> {
    return this.call('readNew', () =>
      this.#withGroup(inbox, async () => {
        const key = keys.inbox(inbox.swarmId, inbox.coordinatorId);
        return toEntries((await this.client.xreadgroup('GROUP', CONSUMER_GROUP, inbox.coordinatorId, 'COUNT', count, 'STREAMS', key, '>')) as RawStreams);
      }),
    );
  }

  subscribe(ref: InboxRef, listener: PushListener): Promise<Subscription> {
    // The push hub's own timeout ends a subscribe that Redis does not confirm, and unsubscribes it.
    return this.call('subscribe', () => this.pushes.subscribe(keys.push(ref.swarmId, ref.coordinatorId), listener), SUBSCRIBE_TIMEOUT_MS);
  }

  isProcessed(inbox: InboxRef, messageId: string, addressedTo = inbox.coordinatorId): Promise<boolean> {
    return this.call('isProcessed', async () => (await this.client.exists(keys.ack(inbox.swarmId, addressedTo, messageId))) === 1);
  }

  discard(inbox: InboxRef, entryId: string): Promise<void> {
    return this.call('discard', async () => {
      await scripts.discardEntry.run(this.client, [keys.inbox(inbox.swarmId, inbox.coordinatorId)], [CONSUMER_GROUP, entryId]);
    });
  }

  acknowledge(inbox: InboxRef, options: AckWrite): Promise<AckResult> {
    return this.#acks.add({ inbox, options }).then(([body, created]) => ({ body, created: created === 1 }), this.#ackFailed);
  }

  /** One script call for ACKs given in the same turn in one swarm. */
  #ackBatch(batch: { inbox: InboxRef; options: AckWrite }[]): Promise<unknown[]> {
    const keyList = batch.flatMap(({ inbox, options }) => [
      keys.inbox(inbox.swarmId, inbox.coordinatorId),
      keys.ack(inbox.swarmId, options.addressedTo ?? inbox.coordinatorId, options.messageId),
      keys.ackNotices(inbox.swarmId, options.senderId),
    ]);
    const args = batch.flatMap(({ inbox, options }) => [
      options.entryId ?? '', options.body, options.ttlMs, keys.push(inbox.swarmId, options.senderId), options.noticeMaxLen,
    ]);
    return scripts.acknowledge.runPushFirst(this.client, keyList, [CONSUMER_GROUP, ...args], batch.length) as Promise<unknown[]>;
  }

  readAckNotices(sender: InboxRef, afterId: string, count: number): Promise<StreamEntry[]> {
    return this.call('readAckNotices', async () =>
      toEntries((await this.client.xread('COUNT', count, 'STREAMS', keys.ackNotices(sender.swarmId, sender.coordinatorId), afterId)) as RawStreams),
    );
  }

  ackSnapshot(sender: InboxRef, ackerIds: readonly string[], messageId: string): Promise<AckSnapshot> {
    return this.call('ackSnapshot', async () => {
      const reply = (await scripts.ackSnapshot.run(
        this.client,
        [keys.ackNotices(sender.swarmId, sender.coordinatorId), ...ackerIds.map((acker) => keys.ack(sender.swarmId, acker, messageId))],
        [],
      )) as [string, ...(string | null)[]];
      const [cursor, ...acks] = reply;
      return { cursor, acks: acks.map((body) => body ?? null) };
    });
  }

  beat(hb: HeartbeatWrite): Promise<void> {
    return this.#beats.add(hb).then(ignore, this.#beatFailed);
  }

  /**
   * The heartbeats of one write, as single-key commands (a heartbeat key and its swarm registry live
   * in different slots) sent together: a SET each, and per swarm one ZADD of all its members and
   * one PEXPIRE of its registry (1,000 coordinators beating: about 200 commands/s instead of 600).
   */
  async #beatBatch(batch: HeartbeatWrite[]): Promise<unknown[]> {
    const failed = Symbol('failed');
    const bySwarm = new Map<string, HeartbeatWrite[]>();
    for (const hb of batch) {
      const beats = bySwarm.get(hb.swarmId);
      if (beats) beats.push(hb);
      else bySwarm.set(hb.swarmId, [hb]);
    }
    const registries = [...bySwarm].flatMap(([swarmId, beats]) => {
      const registry = keys.registry(swarmId);
      return [
        ['zadd', registry, ...beats.flatMap((hb) => [String(hb.timestamp), hb.coordinatorId])],
        // The last beat's lifetime, as when each beat refreshed it in turn.
        ['pexpire', registry, String(beats.at(-1)!.registryTtlMs)],
      ];
    });
    const sets = batch.map((hb) => ['set', keys.heartbeat(hb.coordinatorId), hb.body, 'PX', String(hb.ttlMs)]);
    const replies = await this.sendTogether([...sets, ...registries], failed);
    const registryFailed = new Map([...bySwarm.keys()].map((swarmId, i) => [swarmId, replies.slice(batch.length + 2 * i, batch.length + 2 * i + 2).includes(failed)]));
    return batch.map((hb, i) => (replies[i] === failed || registryFailed.get(hb.swarmId) ? new Error(`heartbeat of ${hb.coordinatorId} not written`) : true));
  }

  register(hb: HeartbeatWrite): Promise<void> {
    return this.call('register', async () => {
      await this.client.sadd(keys.swarms(), hb.swarmId);
      await this.beat(hb);
    });
  }

  deregister(swarmId: string, coordinatorId: string): Promise<void> {
    return this.call('deregister', async () => {
      await Promise.all([this.client.del(keys.heartbeat(coordinatorId)), this.client.zrem(keys.registry(swarmId), coordinatorId)]);
    });
  }

  getHeartbeat(coordinatorId: string): Promise<StoredHeartbeat | null> {
    return this.call('getHeartbeat', async () => {
      const key = keys.heartbeat(coordinatorId);
      const [body, ttlMs] = await Promise.all([this.client.get(key), this.client.pttl(key)]);
      return body === null || ttlMs < 0 ? null : { body, ttlMs };
    });
  }

  /** The whole registry, a page of REGISTRY_PAGE at a time, so a big swarm never holds Redis long. */
  listRegistry(swarmId: string): Promise<RegistryEntry[]> {
    return this.call('listRegistry', async () => {
      const out: RegistryEntry[] = [];
      for (let start = 0; ; start += REGISTRY_PAGE) {
        const flat = await this.client.zrange(keys.registry(swarmId), start, start + REGISTRY_PAGE - 1, 'WITHSCORES');
        for (let i = 0; i + 1 < flat.length; i += 2) out.push({ coordinatorId: flat[i]!, lastSeen: Number(flat[i + 1]) });
        if (flat.length < 2 * REGISTRY_PAGE) return out;
      }
    });
  }

  putWork(owner: InboxRef, taskId: string, body: string, ttlMs: number): Promise<void> {
    return this.call('putWork', async () => {
      await scripts.putWork.run(this.client, [keys.work(owner.swarmId, owner.coordinatorId)], [taskId, body, ttlMs]);
    });
  }

  listWork(owner: InboxRef): Promise<Map<string, string>> {
    return this.call('listWork', async () => new Map(Object.entries(await this.client.hgetall(keys.work(owner.swarmId, owner.coordinatorId)))));
  }

  /** Recreates a missing inbox group (its stream expired or was deleted) and retries once. */
  async #withGroup<T>(inbox: InboxRef, read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      // NOGROUP: the inbox expired or was deleted; UNBLOCKED: it was, while this read was blocked on it.
      if (!(error instanceof Error) || !/^(NOGROUP|UNBLOCKED)/.test(error.message)) throw error;
      await scripts.ensureInbox.run(this.client, [keys.inbox(inbox.swarmId, inbox.coordinatorId)], [CONSUMER_GROUP, this.#inboxTtlMs]);
      return read();
    }
  }
}
