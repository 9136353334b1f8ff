import { Cluster } from 'ioredis';
import { keys } from '../../protocol/keys.js';
import type { Operations } from '../roles/base.js';
import type { InboxRef, StreamEntry } from '../roles/common.js';
import type { Subscription } from '../roles/inbox.js';
import type { FleetPushListener, InboxViewStore } from '../roles/inbox-view.js';
import { PUSH_RESYNC } from '../push.js';
import type { RedisContext } from './redis-context.js';
import { toEntries, type RawStreams } from './stream-entries.js';
import { watchPushes } from './push-watch.js';

/** The operator's view of inboxes on Redis: XLEN pipelined per swarm slot, XRANGE, PSUBSCRIBE, PUBLISH. */
export class RedisInboxView implements Operations<InboxViewStore> {
  readonly #redis: RedisContext;

  constructor(redis: RedisContext) {
    this.#redis = redis;
  }

  inboxLengths(inboxes: readonly InboxRef[]): Promise<number[]> {
    return this.#redis.call('inboxLengths', async () => {
      const client = this.#redis.client;
      // A swarm's inboxes share its slot: one pipeline per swarm on a Cluster, one for all on a single node.
      const groups = new Map<string, number[]>();
      inboxes.forEach((inbox, i) => {
        const group = client instanceof Cluster ? inbox.swarmId : '';
        groups.set(group, [...(groups.get(group) ?? []), i]);
      });
      const lengths = new Array<number>(inboxes.length).fill(0);
      await Promise.all(
        [...groups.values()].map(async (indexes) => {
          const pipeline = client.pipeline();
          for (const i of indexes) pipeline.xlen(keys.inbox(inboxes[i]!.swarmId, inboxes[i]!.coordinatorId));
          const replies = (await pipeline.exec()) ?? [];
          // A key of another type in an inbox's place (hand-made) counts as empty.
          indexes.forEach((i, j) => (lengths[i] = replies[j]?.[0] ? 0 : Number(replies[j]?.[1] ?? 0)));
        }),
      );
      return lengths;
    });
  }

  peekInbox(inbox: InboxRef, afterId: string, count: number): Promise<StreamEntry[]> {
    return this.#redis.call('peekInbox', async () => {
      const key = keys.inbox(inbox.swarmId, inbox.coordinatorId);
      const reply = (await this.#redis.client.xrange(key, `(${afterId}`, '+', 'COUNT', count).catch((error: unknown) => {
        if (error instanceof Error && error.message.startsWith('WRONGTYPE')) return [];
        throw error;
      })) as NonNullable<RawStreams>[number][1];
      return toEntries([[key, reply]]);
    });
  }

  watchPushes(listener: FleetPushListener): Promise<Subscription> {
    return this.#redis.call('watchPushes', () => watchPushes(this.#redis.client, this.#redis.logger, listener), 10_000);
  }

  nudge(inbox: InboxRef): Promise<number> {
    return this.#redis.call('nudge', () => this.#redis.client.publish(keys.push(inbox.swarmId, inbox.coordinatorId), PUSH_RESYNC));
  }
}
