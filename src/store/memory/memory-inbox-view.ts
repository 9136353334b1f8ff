import { keys, ownerOfPushChannel } from '../../protocol/keys.js';
import type { Operations } from '../roles/base.js';
import type { InboxRef, StreamEntry } from '../roles/common.js';
import type { Subscription } from '../roles/inbox.js';
import type { FleetPushListener, InboxViewStore } from '../roles/inbox-view.js';
import { fleetPushOf, PUSH_RESYNC } from '../push.js';
import type { MemoryKeyspace } from './memory-keyspace.js';

/** The operator's view of inboxes on the embedded store: XLEN, XRANGE, PSUBSCRIBE and a resync PUBLISH. */
export class MemoryInboxView implements Operations<InboxViewStore> {
  readonly #space: MemoryKeyspace;

  constructor(keyspace: MemoryKeyspace) {
    this.#space = keyspace;
  }

  async inboxLengths(inboxes: readonly InboxRef[]): Promise<number[]> {
    this.#space.open('inboxLengths');
    return inboxes.map((inbox) => this.#space.streams.get(keys.inbox(inbox.swarmId, inbox.coordinatorId))?.size ?? 0);
  }

  async peekInbox(inbox: InboxRef, afterId: string, count: number): Promise<StreamEntry[]> {
    this.#space.open('peekInbox');
    return this.#space.streams.get(keys.inbox(inbox.swarmId, inbox.coordinatorId))?.readAfter(afterId, count) ?? [];
  }

  async watchPushes(listener: FleetPushListener): Promise<Subscription> {
    this.#space.open('watchPushes');
    return this.#space.watchChannels((channel, message) => {
      const owner = ownerOfPushChannel(channel);
      const push = owner && fleetPushOf(owner, message);
      if (push) listener(push);
    });
  }

  async nudge(inbox: InboxRef): Promise<number> {
    this.#space.open('nudge');
    return this.#space.publish(keys.push(inbox.swarmId, inbox.coordinatorId), PUSH_RESYNC);
  }
}
