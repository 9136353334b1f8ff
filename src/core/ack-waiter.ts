import { decodeAck, type Ack } from '../protocol/ack.js';
import { CoordinatorShutdownError, InvalidSignalError } from '../protocol/errors.js';
import { isValidId } from '../protocol/ids.js';
import type { Keyring } from '../protocol/keyring.js';
import type { Logger } from '../protocol/logger.js';
import type { RejectionReason } from '../protocol/rejection.js';
import type { InboxRef, InboxStore as Store } from '../store/port.js';
import type { AckFeed } from './ack-feed.js';
import type { CoordinatorConfig } from './config.js';
import type { RejectionEvent } from './rejection-event.js';
import { pauseBeforeRetry } from './retry-pause.js';

export interface AckWaitDeps {
  store: Store;
  /** The message's sender (from its messageId), in the swarm of the receivers: its ACK notices are read. */
  sender: InboxRef;
  /** That sender's ACK notices, as pushed to this coordinator (or their feed while it opens). */
  feed: AckFeed | Promise<AckFeed>;
  /** The coordinator waiting, for logs and events (usually the sender itself). */
  waiterId: string;
  keyring: Keyring;
  config: CoordinatorConfig;
  logger: Logger;
  stop: AbortSignal;
  onRejected(event: RejectionEvent): void;
  /** Called once the wait has what arrived before it: from here on, every new ACK notice is seen. */
  onWaiting(): void;
}

/** The sender named by a messageId (`<senderId>:<type>:<timestamp>[.<seq>]`), whose ACK notices carry its ACKs. */
export function senderOfMessage(messageId: string): string {
  const sender = messageId.slice(0, messageId.indexOf(':'));
  const stamp = messageId.slice(messageId.lastIndexOf(':') + 1);
  if (!isValidId(sender) || !/^\d{1,16}(\.\d{1,9})?$/.test(stamp)) {
    throw new InvalidSignalError(`${JSON.stringify(messageId)} is not a messageId from sendSignal()`, { messageId });
  }
  return sender;
}

/**
 * Waits for verified ACKs of one message from a set of coordinators: the notices pushed since the
 * send (or, when those are not all known, the ACK keys), then every notice pushed while it waits.
 * Returns what arrived by the timeout, never throws for what did not.
 */
export async function waitForAcks(deps: AckWaitDeps, ackerIds: readonly string[], messageId: string, timeoutMs: number): Promise<Map<string, Ack>> {
  const deadline = performance.now() + timeoutMs;
  const wait = new AckWait(deps, ackerIds, messageId);
  const feed = await feedBy(deps, deadline, messageId);
  const unwatch = feed?.watch(messageId, {
    notice: (entry) => wait.consider(entry.body, entry.time, entry.id),
    gap: () => void wait.readMissingKeys(),
  });
  try {
    const soFar = feed?.noticesSoFar(messageId);
    if (soFar) for (const entry of soFar) wait.consider(entry.body, entry.time, entry.id);
    else await wait.readKeysUntil(deadline);
    deps.onWaiting();
    await wait.complete(deadline);
  } finally {
    unwatch?.();
  }
  if (deps.stop.aborted) throw new CoordinatorShutdownError(deps.waiterId);
  if (!wait.isComplete) await wait.readMissingKeys(performance.now() + FINAL_READ_MS);
  wait.end();
  return wait.acks;
}

/** At the timeout the ACK keys of those still missing are read once more, for this long at most. */
const FINAL_READ_MS = 1_000;

/** `work`, or undefined once `deadline` (performance.now() ms) passes first; `work` goes on, unheard. */
async function until<T>(work: Promise<T>, deadline: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - performance.now()), undefined)));
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The feed, if it is open or opens by the deadline; else the wait reads the ACK keys at its start and end only. */
async function feedBy(deps: AckWaitDeps, deadline: number, messageId: string): Promise<AckFeed | undefined> {
  if (!(deps.feed instanceof Promise)) return deps.feed;
  try {
    const feed = await until(deps.feed, deadline);
    if (!feed) deps.logger.warn({ messageId }, 'ACK notices not reachable in time; reading the ACK keys instead');
    return feed;
  } catch (error) {
    deps.logger.warn({ err: error, messageId }, 'ACK notices not reachable; reading the ACK keys instead');
    return undefined;
  }
}

class AckWait {
  readonly acks = new Map<string, Ack>();
  readonly #deps: AckWaitDeps;
  readonly #wanted: ReadonlySet<string>;
  readonly #messageId: string;
  #onComplete: (() => void) | undefined;
  /** Returned to the caller: a key read still under way (after a gap) changes nothing any more. */
  #ended = false;

  constructor(deps: AckWaitDeps, ackerIds: readonly string[], messageId: string) {
    this.#deps = deps;
    this.#wanted = new Set(ackerIds);
    this.#messageId = messageId;
  }

  get isComplete(): boolean {
    return this.acks.size >= this.#wanted.size;
  }

  end(): void {
    this.#ended = true;
  }

  /** Resolves when every ACK is in, at the deadline, or when the coordinator stops. */
  complete(deadline: number): Promise<void> {
    const { stop } = this.#deps;
    if (this.isComplete || stop.aborted || deadline <= performance.now()) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        stop.removeEventListener('abort', finish);
        this.#onComplete = undefined;
        resolve();
      };
      // A timer may fire a little early against performance.now(): re-arm for what is left.
      const arm = (): void => {
        const left = deadline - performance.now();
        if (left <= 0) finish();
        else timer = setTimeout(arm, Math.ceil(left));
      };
      let timer: NodeJS.Timeout | undefined;
      arm();
      stop.addEventListener('abort', finish, { once: true });
      this.#onComplete = finish;
    });
  }

  /** The ACK keys of those still missing, retried on failure until the deadline; a read still under way then is not awaited. */
  async readKeysUntil(deadline: number): Promise<void> {
    const { logger, stop } = this.#deps;
    for (let failures = 1; !this.isComplete && !stop.aborted && performance.now() < deadline; failures += 1) {
      try {
        return void (await until(this.#readKeys(), deadline));
      } catch (error) {
        logger.warn({ err: error, failures, messageId: this.#messageId }, 'could not read ACK keys; retrying');
        await pauseBeforeRetry(failures, stop);
      }
    }
  }

  /** The ACK keys are the record (a notice can be trimmed or missed): one read of those still missing, awaited until `deadline` at most. */
  async readMissingKeys(deadline?: number): Promise<void> {
    const { logger } = this.#deps;
    const reading = this.#readKeys().then(
      () => 'read' as const,
      (error: unknown) => {
        logger.warn({ err: error, messageId: this.#messageId }, 'could not read ACK keys; returning the ACKs already seen');
        return 'failed' as const;
      },
    );
    if (deadline === undefined) return void (await reading);
    if ((await until(reading, deadline)) === undefined) logger.warn({ messageId: this.#messageId }, 'ACK keys not read in time; returning the ACKs already seen');
  }

  async #readKeys(): Promise<void> {
    const missing = [...this.#wanted].filter((id) => !this.acks.has(id));
    if (missing.length === 0) return;
    const snapshot = await this.#deps.store.ackSnapshot(this.#deps.sender, missing, this.#messageId);
    for (const body of snapshot.acks) this.consider(body, undefined);
  }

  consider(body: string | null, entryTime: number | undefined, entryId?: string): void {
    if (body === null || this.#ended) return;
    const { keyring, sender, config } = this.#deps;
    const decoded = decodeAck(body, entryTime, { keyring, senderId: sender.coordinatorId, replayWindowMs: config.replayWindowMs, maxBodyBytes: config.maxSignalBytes });
    if (!decoded.ok) {
      // Notices of other messages are another wait's business; only count what concerns this one.
      if (decoded.messageId === undefined || decoded.messageId === this.#messageId) this.#reject(decoded.reason, decoded.detail, entryId);
      return;
    }
    const ack = decoded.value;
    // A replacement acknowledges for the coordinator it replaces: it counts as that one's ACK.
    const from = this.#wanted.has(ack.coordinatorId) ? ack.coordinatorId : ack.onBehalfOf;
    if (ack.messageId !== this.#messageId || from === undefined || !this.#wanted.has(from)) return;
    const known = this.acks.get(from);
    if (known) {
      // The same ACK seen twice (its key and its notice) is one ACK; a different one is a replay.
      if (known.signature !== ack.signature) this.#reject('replay_processed', `a second ACK from ${from}`, entryId);
      return;
    }
    this.acks.set(from, ack);
    if (this.isComplete) this.#onComplete?.();
  }
  #reject(reason: RejectionReason, detail: string, entryId?: string): void {
    const event: RejectionEvent = { kind: 'ack', reason, detail, coordinatorId: this.#deps.waiterId, messageId: this.#messageId };
    if (entryId !== undefined) event.entryId = entryId;
    this.#deps.onRejected(event);
  }
}
