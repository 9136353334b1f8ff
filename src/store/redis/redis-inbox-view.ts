import { keys } from '../../protocol/keys.js';
import type { Operations } from '../roles/base.js';
import type { InboxRef, StreamEntry } from '../roles/common.js';
import type { Subscription } from '../roles/inbox.js';
import type { FleetPushListener, InboxViewStore } from '../roles/inbox-view.js';
import { PUSH_RESYNC } from '../push.js';
import type { RedisContext } from './redis-context.js';
import { toEntries, type RawStreams } from './stream-entries.js';
import { watchPushes } from './push-watch.js';
import { inboxLengthsScript } from './scripts/inbox-lengths.js';
import { slotGroups } from './slot-groups.js';

/** The operator's view of inboxes on Redis: XLEN in one script per swarm slot, XRANGE, PSUBSCRIBE, PUBLISH. */
export class RedisInboxView implements Operations<InboxViewStore> {
  readonly #redis: RedisContext;

  constructor(redis: RedisContext) {
    this.#redis = redis;
  }

  inboxLengths(inboxes: readonly InboxRef[]): Promise<number[]> {
    return this.#redis.call('inboxLengths', async () => {
      const lengths = new Array<number>(inboxes.length).fill(0);
      // One script per swarm (a swarm's inboxes share its slot), in chunks of at most 1,000 keys.
      const groups = slotGroups(this.#redis.client, inboxes.map((inbox) => inbox.swarmId), (swarmId) => swarmId);
      await Promise.all(
        groups.map(async (positions) => {
          const replies = await inboxLengthsScript.run(this.#redis.client, positions.map((i) => inboxes[i]!));
          positions.forEach((i, j) => (lengths[i] = replies[j] ?? 0));
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
    const channel = keys.push(inbox.swarmId, inbox.coordinatorId);
    return this.#redis.call('nudge', async () => {
      // Subscribers of the channel itself: PUBLISH's own count includes pattern watchers (the daemons' event feeds).
      const [, listeners] = (await this.#redis.client.pubsub('NUMSUB', channel)) as [string, number];
      if (Number(listeners) > 0) await this.#redis.client.publish(channel, PUSH_RESYNC);
      return Number(listeners);
    });
  }
}
