import { createHash } from 'node:crypto';
import { decodeAck, type Ack } from '../protocol/ack.js';
import { InvalidSignalError } from '../protocol/errors.js';
import { isValidId } from '../protocol/ids.js';
import type { Keyring } from '../protocol/keyring.js';
import type { Logger } from '../protocol/logger.js';
import type { Decoded, RejectionReason } from '../protocol/rejection.js';
import type { InboxRef, InboxStore } from '../store/port.js';
import { logStoreFailure } from '../store/store-failure-log.js';
import type { Notice } from './ack-feed.js';
import type { CoordinatorConfig } from './coordinator-options.js';
import type { RejectionEvent } from './rejection-event.js';
import { pauseBeforeRetry } from './retry-pause.js';

/** What one wait for ACKs reads and verifies with. */
export interface AckWaitDeps {
  store: InboxStore;
  /** The message's sender (from its messageId), in the swarm of the receivers: its ACK keys are read. */
  sender: InboxRef;
  /** The coordinator waiting, for logs and events (usually the sender itself). */
  waiterId: string;
  keyring: Keyring;
  config: CoordinatorConfig;
  logger: Logger;
  stop: AbortSignal;
  onRejected(event: RejectionEvent): void;
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

/** The store-clock ms a messageId was stamped at (its `<timestamp>`, without `.<seq>`). */
export function stampOfMessage(messageId: string): number {
  senderOfMessage(messageId); // the same form check
  return Number(messageId.slice(messageId.lastIndexOf(':') + 1).split('.')[0]);
}

/** Rejected bodies one wait remembers, so each is counted once. */
const MAX_REJECTED_REMEMBERED = 64;

/** At the timeout the ACK keys of those still missing are read once more, for this long at most. */
export const FINAL_READ_MS = 1_000;

/** `work`, or undefined once `deadline` (performance.now() ms) passes first; `work` goes on, unheard. */
export async function until<T>(work: Promise<T>, deadline: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - performance.now()), undefined)));
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One wait for verified ACKs of one message from a set of coordinators: what it has, when it is
 * complete, and the reads of the ACK keys (the record, when notices were missed or trimmed).
 */
export class AckWait {
  readonly acks = new Map<string, Ack>();
  readonly #deps: AckWaitDeps;
  readonly #wanted: ReadonlySet<string>;
  readonly #messageId: string;
  #onComplete: (() => void) | undefined;
  /** Returned to the caller: a key read still under way (after a gap) changes nothing any more. */
  #ended = false;
  /** Digests of the bodies rejected so far: a forged ACK key read again at each key read is one rejection. */
  #rejected: Set<string> | undefined;

  constructor(deps: AckWaitDeps, ackerIds: readonly string[], messageId: string) {
    this.#deps = deps;
    this.#wanted = new Set(ackerIds);
    this.#messageId = messageId;
  }

  /** The coordinators whose ACKs it waits for. */
  get waitingFor(): ReadonlySet<string> {
    return this.#wanted;
  }

  get isComplete(): boolean {
    return this.acks.size >= this.#wanted.size;
  }

  end(): void {
    this.#ended = true;
  }

  /** Resolves when every ACK is in, at the deadline, or when the coordinator stops (its owner calls interrupt()). */
  complete(deadline: number): Promise<void> {
    const { stop } = this.#deps;
    if (this.isComplete || stop.aborted || deadline <= performance.now()) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
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
      this.#onComplete = finish;
    });
  }

  /**
   * The coordinator is stopping: complete() resolves now. Its owner calls this from one listener
   * on the stop signal for all its waits: an EventTarget listener added and removed per wait costs
   * more than the rest of the wait's bookkeeping.
   */
  interrupt(): void {
    this.#onComplete?.();
  }

  /** The ACK keys of those still missing, retried on failure until the deadline; a read still under way then is not awaited. */
  async readKeysUntil(deadline: number): Promise<void> {
    const { logger, stop } = this.#deps;
    for (let failures = 1; !this.isComplete && !this.#ended && !stop.aborted && performance.now() < deadline; failures += 1) {
      try {
        return void (await until(this.#readKeys(), deadline));
      } catch (error) {
        logStoreFailure(logger, { err: error, failures, messageId: this.#messageId }, 'could not read ACK keys; retrying');
        await pauseBeforeRetry(failures, stop, this.#deps.store.breaker);
      }
    }
  }

  /** The ACK keys are the record (a notice can be trimmed or missed): one read of those still missing, awaited until `deadline` at most. */
  async readMissingKeys(deadline?: number): Promise<void> {
    const { logger } = this.#deps;
    const reading = this.#readKeys().then(
      () => 'read' as const,
      (error: unknown) => {
        logStoreFailure(logger, { err: error, messageId: this.#messageId }, 'could not read ACK keys; returning the ACKs already seen');
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
    for (const body of snapshot.acks) this.consider(body);
  }

  /** An ACK read from its key (no notice time: no replay window). */
  consider(body: string | null): void {
    if (body === null || this.#ended) return;
    const { keyring, sender, config } = this.#deps;
    this.#judge(body, decodeAck(body, undefined, { keyring, senderId: sender.coordinatorId, replayWindowMs: config.replayWindowMs, maxBodyBytes: config.maxSignalBytes }));
  }

  /** A notice, as its feed verified it. */
  noticed(notice: Notice): void {
    if (notice.body === null || this.#ended) return;
    this.#judge(notice.body, notice.decoded, notice.entryId);
  }

  #judge(body: string, decoded: Decoded<Ack>, entryId?: string): void {
    if (!decoded.ok) {
      // Notices of other messages are another wait's business; only count what concerns this one.
      if (decoded.messageId === undefined || decoded.messageId === this.#messageId) this.#rejectOnce(body, decoded.reason, decoded.detail, entryId);
      return;
    }
    const ack = decoded.value;
    // A replacement acknowledges for the coordinator it replaces: it counts as that one's ACK.
    const from = this.#wanted.has(ack.coordinatorId) ? ack.coordinatorId : ack.replaces;
    if (ack.messageId !== this.#messageId || from === undefined || !this.#wanted.has(from)) return;
    const known = this.acks.get(from);
    if (known) {
      // The same ACK seen twice (its key and its notice) is one ACK; a different one is a replay.
      if (known.signature !== ack.signature) this.#rejectOnce(body, 'replay_processed', `a second ACK from ${from}`, entryId);
      return;
    }
    // A copy: a notice's ACK is decoded once by its feed, and another wait on the message may hold it too.
    this.acks.set(from, { ...ack });
    if (this.isComplete) this.#onComplete?.();
  }
  #rejectOnce(body: string, reason: RejectionReason, detail: string, entryId?: string): void {
    const digest = createHash('sha256').update(body).digest('base64');
    const rejected = (this.#rejected ??= new Set()); // made on the first rejection: most waits have none
    if (rejected.has(digest)) return;
    if (rejected.size < MAX_REJECTED_REMEMBERED) rejected.add(digest);
    this.#reject(reason, detail, entryId);
  }

  #reject(reason: RejectionReason, detail: string, entryId?: string): void {
    const event: RejectionEvent = { kind: 'ack', reason, detail, coordinatorId: this.#deps.waiterId, messageId: this.#messageId };
    if (entryId !== undefined) event.entryId = entryId;
    this.#deps.onRejected(event);
  }
}
