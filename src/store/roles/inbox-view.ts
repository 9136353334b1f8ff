import type { StoreBase } from './base.js';
import type { InboxRef, StreamEntry } from './common.js';
import type { Subscription } from './inbox.js';

/** What a push channel carried, with the coordinator whose channel it was: one of every coordinator's pushes. */
export type FleetPush = { owner: InboxRef; kind: 'signal' | 'ackNotice'; entry: StreamEntry };

/** Told of every push on every coordinator's channel (keys.push) while watching. */
export type FleetPushListener = (push: FleetPush) => void;

/**
 * The operator's view of inboxes (the daemon's read model and its retries): reads that never
 * consume, never create and never change what a coordinator reads.
 */
export interface InboxViewStore extends StoreBase {
  /** How many entries each inbox holds (XLEN; 0 for none), in one round trip per swarm. */
  inboxLengths(inboxes: readonly InboxRef[]): Promise<number[]>;

  /**
   * Up to `count` entries of an inbox after `afterId` ('0-0' for the oldest), oldest first, read
   * without the consumer group (XRANGE): nothing becomes pending or delivered.
   */
  peekInbox(inbox: InboxRef, afterId: string, count: number): Promise<StreamEntry[]>;

  /**
   * Listens to every coordinator's push channel at once (a pattern subscription): each signal
   * and ACK notice a store operation appends anywhere. Resolves once the subscription is active.
   * Pushes are best-effort: what is missed while the connection is down is not replayed.
   */
  watchPushes(listener: FleetPushListener): Promise<Subscription>;

  /**
   * Tells a coordinator's process to read its inbox and ACK notices again (the resync push), as
   * after entries added out of band; returns how many subscribers the channel itself has (0: none
   * listens; pattern watchers such as watchPushes are not counted). On a Cluster, those of one node.
   */
  nudge(inbox: InboxRef): Promise<number>;
}
