import type { Ack } from '../protocol/ack.js';
import { AbortedError, CoordinatorStoppedError } from '../protocol/errors.js';
import type { Logger } from '../protocol/logger.js';
import type { InboxRef, InboxStore } from '../store/port.js';
import type { AckFeed } from './ack-feed.js';
import { AckFeeds } from './ack-feeds.js';
import { AckWait, FINAL_READ_MS, until } from './ack-wait.js';
import type { CoordinatorObserver } from './coordinator-observer.js';
import type { CoordinatorConfig } from './coordinator-options.js';
import type { RejectionEvent } from './rejection-event.js';
import type { KeyringSlot } from './secrets.js';
import type { StoreClock } from './store-clock.js';

export interface AckWaitsDeps {
  store: InboxStore;
  /** The coordinator these waits belong to: its own ACK notice feed stays open until close(). */
  own: InboxRef;
  config: CoordinatorConfig;
  logger: Logger;
  /** The coordinator's shutdown: every wait ends with CoordinatorStoppedError. */
  stop: AbortSignal;
  keys: KeyringSlot;
  observer: Pick<CoordinatorObserver, 'rejected' | 'waitStarted' | 'waitsWatched'>;
  /** The store clock: a pushed notice's replay window counts from when it arrived. */
  clock: StoreClock;
}

/**
 * A coordinator's waits for ACKs and the ACK notice feeds they read: its own sender's feed, open
 * from start() on and told of each message sent so that a wait beginning after its ACKs arrived
 * needs no read; another sender's feed, opened while a wait needs it.
 */
export class AckWaits {
  readonly #deps: AckWaitsDeps;
  readonly #feeds: AckFeeds;
  /** The waits under way: the coordinator's stop ends each; the heartbeat's `waitingFor` lists whom they wait on. */
  readonly #running = new Set<AckWait>();
  readonly #onRejected: (event: RejectionEvent) => void;

  constructor(deps: AckWaitsDeps) {
    this.#deps = deps;
    const { store, own, config, logger, stop, clock, keys, observer } = deps;
    this.#feeds = new AckFeeds({ store, own, config, logger, stop, clock, keys });
    this.#onRejected = (event) => observer.rejected(event);
    stop.addEventListener('abort', this.#interruptAll, { once: true });
  }

  /** One listener on the stop signal for every wait (close() removes it). */
  readonly #interruptAll = (): void => {
    for (const wait of this.#running) wait.interrupt();
  };

  /** Opens this coordinator's own ACK notice feed. */
  open(): Promise<void> {
    return this.#feeds.openOwn();
  }

  /** A message this coordinator sent (in its own swarm): its ACK notices are kept for the wait that may follow. */
  expect(messageId: string): void {
    this.#feeds.own?.expect(messageId);
  }

  get active(): number {
    return this.#running.size;
  }

  /** Who the running waits wait for. */
  waitingFor(): string[] {
    if (this.#running.size === 0) return [];
    return [...this.#running].flatMap((wait) => [...wait.waitingFor]);
  }

  /**
   * Waits for verified ACKs of `messageId` (sent by `sender`, see senderOfMessage) from `ackerIds`: the notices pushed since the send (or,
   * when those are not all known, the ACK keys), then every notice pushed while it waits. Returns
   * what arrived by the timeout, never throws for what did not. `cancel` (the caller's signal)
   * ends it with AbortedError, the ACKs that arrived meanwhile discarded.
   */
  async wait(ackerIds: readonly string[], messageId: string, timeoutMs: number, sender: InboxRef, cancel?: AbortSignal): Promise<Map<string, Ack>> {
    const { config, logger, stop, observer } = this.#deps;
    const waiterId = this.#deps.own.coordinatorId;
    if (cancel?.aborted) throw new AbortedError(waiterId, cancel.reason);
    const deadline = performance.now() + timeoutMs;
    const use = this.#feeds.use(sender);
    const wait = new AckWait({ store: this.#deps.store, sender, waiterId, keyring: this.#deps.keys.current, config, logger, stop, onRejected: this.#onRejected }, ackerIds, messageId);
    this.#running.add(wait);
    // Only for a caller's signal: the wait ends at its abort, a read or a feed still opening then not awaited.
    let onCancel: (() => void) | undefined;
    const cancelled = cancel && new Promise<undefined>((resolve) => cancel.addEventListener('abort', (onCancel = () => (wait.interrupt(), resolve(undefined))), { once: true }));
    const orCancel = <V>(step: Promise<V>): Promise<V | undefined> => (cancelled ? Promise.race([step, cancelled]) : step);
    try {
      // The feed is open but for the first wait on another sender's messages: no extra turn then.
      const feed = use.feed instanceof Promise ? await orCancel(this.#feedBy(use.feed, deadline, messageId)) : use.feed;
      const unwatch = feed?.watch(messageId, {
        notice: (notice) => wait.noticed(notice),
        gap: () => void wait.readMissingKeys(),
      });
      try {
        const soFar = feed?.noticesSoFar(messageId);
        if (soFar) for (const notice of soFar) wait.noticed(notice);
        else await orCancel(wait.readKeysUntil(deadline));
        if (observer.waitsWatched) observer.waitStarted({ kind: 'acks', coordinatorId: waiterId, from: [...ackerIds], messageId });
        if (!cancel?.aborted) await wait.complete(deadline);
      } finally {
        unwatch?.();
      }
      if (stop.aborted) throw new CoordinatorStoppedError(waiterId);
      if (cancel?.aborted) throw new AbortedError(waiterId, cancel.reason);
      if (!wait.isComplete) await wait.readMissingKeys(performance.now() + FINAL_READ_MS);
      return wait.acks;
    } finally {
      wait.end(); // returned, failed or cancelled: a read still under way or retrying changes nothing and stops at its next turn
      if (onCancel) cancel?.removeEventListener('abort', onCancel);
      this.#running.delete(wait);
      use.release();
    }
  }

  close(): Promise<void> {
    this.#deps.stop.removeEventListener('abort', this.#interruptAll);
    return this.#feeds.closeAll();
  }

  /** The feed, if it is open or opens by the deadline; else the wait reads the ACK keys at its start and end only. */
  async #feedBy(feed: Promise<AckFeed>, deadline: number, messageId: string): Promise<AckFeed | undefined> {
    const { logger } = this.#deps;
    try {
      const opened = await until(feed, deadline);
      if (!opened) logger.warn({ messageId }, 'ACK notices not reachable in time; reading the ACK keys instead');
      return opened;
    } catch (error) {
      logger.warn({ err: error, messageId }, 'ACK notices not reachable; reading the ACK keys instead');
      return undefined;
    }
  }
}
