import type { Logger } from '../protocol/logger.js';
import type { InboxRef, InboxStore } from '../store/port.js';
import { AckFeed } from './ack-feed.js';
import type { CoordinatorConfig } from './coordinator-options.js';
import type { KeyringSlot } from './secrets.js';
import type { StoreClock } from './store-clock.js';

/** An ACK notice feed, while it opens (`ready`) and once open (`feed`), with its current users. */
interface FeedEntry {
  ready: Promise<AckFeed>;
  feed?: AckFeed;
  users: number;
}

/** One use of a feed: the feed (or its opening) and its release. */
export interface FeedUse {
  feed: AckFeed | Promise<AckFeed>;
  release(): void;
}

export interface AckFeedsDeps {
  store: InboxStore;
  /** The coordinator these feeds serve: its own feed stays open until closeAll(). */
  own: InboxRef;
  config: CoordinatorConfig;
  logger: Logger;
  stop: AbortSignal;
  clock: StoreClock;
  keys: KeyringSlot;
}

const feedKey = (sender: InboxRef): string => `${sender.swarmId}/${sender.coordinatorId}`;

/**
 * A coordinator's ACK notice feeds by sender: its own, opened at initialize and kept; another
 * sender's, opened when a wait needs it (waits on one sender share it) and closed with its last use.
 */
export class AckFeeds {
  readonly #deps: AckFeedsDeps;
  readonly #feeds = new Map<string, FeedEntry>();
  /** Its own feed once open: sends tell it what to expect. */
  own: AckFeed | undefined;

  constructor(deps: AckFeedsDeps) {
    this.#deps = deps;
  }

  /** Opens this coordinator's own feed (idempotent). */
  async openOwn(): Promise<void> {
    this.own ??= await this.#entry(this.#deps.own).ready;
  }

  /** The feed of `sender`, open or opening (opened on first use), for one use. */
  use(sender: InboxRef): FeedUse {
    const key = feedKey(sender);
    const entry = this.#entry(sender);
    entry.users += 1;
    const own = key === feedKey(this.#deps.own);
    return {
      feed: entry.feed ?? entry.ready,
      release: () => {
        entry.users -= 1;
        if (entry.users > 0 || own || this.#feeds.get(key) !== entry) return;
        this.#feeds.delete(key);
        void entry.ready.then((feed) => feed.close(), () => undefined);
      },
    };
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.#feeds.values()].map((entry) => entry.ready.then((feed) => feed.close())));
    this.#feeds.clear();
  }

  #entry(sender: InboxRef): FeedEntry {
    const key = feedKey(sender);
    const known = this.#feeds.get(key);
    if (known) return known;
    const { store, config, logger, stop, clock, keys } = this.#deps;
    const feed = new AckFeed({ store, sender, config, logger, stop, clock, keys });
    const created: FeedEntry = { ready: feed.open().then(() => (created.feed = feed)), users: 0 };
    created.ready.catch(() => this.#feeds.get(key) === created && this.#feeds.delete(key));
    this.#feeds.set(key, created);
    return created;
  }
}
