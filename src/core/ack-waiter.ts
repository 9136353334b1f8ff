import { decodeAck, type Ack } from '../protocol/ack.js';
import { CoordinatorShutdownError, InvalidSignalError } from '../protocol/errors.js';
import { isValidId } from '../protocol/ids.js';
import type { Keyring } from '../protocol/keyring.js';
import type { Logger } from '../protocol/logger.js';
import type { RejectionReason } from '../protocol/rejection.js';
import type { InboxRef, Store, StreamEntry } from '../store/port.js';
import type { CoordinatorConfig } from './config.js';
import type { RejectionEvent } from './rejection-event.js';
import { pauseBeforeRetry } from './retry-pause.js';

export interface AckWaitDeps {
  store: Store;
  /** The message's sender (from its messageId), in the swarm of the receivers: its ACK notices are read. */
  sender: InboxRef;
  /** The coordinator waiting, for logs and events (usually the sender itself). */
  waiterId: string;
  keyring: Keyring;
  config: CoordinatorConfig;
  logger: Logger;
  stop: AbortSignal;
  onRejected(event: RejectionEvent): void;
  /** Called once the wait has its snapshot: from here on, every new ACK notice is seen. */
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
 * Waits for verified ACKs of one message from a set of coordinators: one atomic snapshot of the
 * ACKs already stored, then blocking reads of the sender's ACK notices written after it. Returns
 * what arrived by the timeout, never throws for what did not.
 */
export async function waitForAcks(
  deps: AckWaitDeps,
  ackerIds: readonly string[],
  messageId: string,
  timeoutMs: number,
  /** Where ACK notices of this message start, when the send told us (then no snapshot is needed). */
  knownCursor?: string,
): Promise<Map<string, Ack>> {
  const wait = new AckWait(deps, ackerIds, messageId, knownCursor);
  // The deadline is kept here, not by the store: a read that started late (a new connection) must not delay the answer.
  let timer: NodeJS.Timeout | undefined;
  const timeUp = new Promise<'time-up'>((resolve) => (timer = setTimeout(() => resolve('time-up'), timeoutMs)));
  try {
    await wait.collect(performance.now() + timeoutMs, timeUp);
  } finally {
    clearTimeout(timer);
  }
  if (deps.stop.aborted) throw new CoordinatorShutdownError(deps.waiterId);
  await wait.readMissingKeys();
  return wait.acks;
}

class AckWait {
  readonly acks = new Map<string, Ack>();
  readonly #deps: AckWaitDeps;
  readonly #wanted: ReadonlySet<string>;
  readonly #messageId: string;
  readonly #knownCursor: string | undefined;

  constructor(deps: AckWaitDeps, ackerIds: readonly string[], messageId: string, knownCursor: string | undefined) {
    this.#deps = deps;
    this.#wanted = new Set(ackerIds);
    this.#messageId = messageId;
    this.#knownCursor = knownCursor;
  }

  async collect(deadline: number, timeUp: Promise<'time-up'>): Promise<void> {
    const { store, sender, config, logger, stop } = this.#deps;
    let cursor = this.#knownCursor;
    if (cursor !== undefined) this.#deps.onWaiting();
    let failures = 0;
    while (this.acks.size < this.#wanted.size && !stop.aborted) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) return;
      try {
        if (cursor === undefined) {
          const snapshot = await store.ackSnapshot(sender, [...this.#wanted], this.#messageId);
          for (const body of snapshot.acks) this.#consider(body, undefined);
          cursor = snapshot.cursor;
          this.#deps.onWaiting();
          continue;
        }
        const reading = store.readAckNotices(sender, cursor, {
          count: config.readBatchSize,
          blockMs: Math.max(1, Math.min(config.maxBlockMs, Math.ceil(remaining))),
          signal: stop,
        });
        const result: StreamEntry[] | 'time-up' = await Promise.race([reading, timeUp]);
        if (result === 'time-up') {
          reading.catch(() => undefined); // reading consumes nothing: abandoning the read loses nothing
          return;
        }
        failures = 0;
        for (const entry of result) {
          cursor = entry.id;
          this.#consider(entry.body, entry.time, entry.id);
        }
        // A full batch means a busy stream, whose cap may have trimmed a notice: ask the ACK keys too.
        if (result.length === config.readBatchSize) await this.readMissingKeys();
      } catch (error) {
        failures += 1;
        logger.warn({ err: error, failures, messageId: this.#messageId }, 'ACK notice read failed; retrying');
        await pauseBeforeRetry(failures, stop);
      }
    }
  }

  /** A notice can be trimmed away under a flood; the ACK keys are the record. One read, at the end. */
  async readMissingKeys(): Promise<void> {
    const missing = [...this.#wanted].filter((id) => !this.acks.has(id));
    if (missing.length === 0) return;
    try {
      const snapshot = await this.#deps.store.ackSnapshot(this.#deps.sender, missing, this.#messageId);
      for (const body of snapshot.acks) this.#consider(body, undefined);
    } catch (error) {
      this.#deps.logger.warn({ err: error, messageId: this.#messageId }, 'could not read ACK keys; returning the ACKs already seen');
    }
  }

  #consider(body: string | null, entryTime: number | undefined, entryId?: string): void {
    if (body === null) return;
    const { keyring, sender, config } = this.#deps;
    const decoded = decodeAck(body, entryTime, { keyring, senderId: sender.coordinatorId, replayWindowMs: config.replayWindowMs });
    if (!decoded.ok) {
      // Notices of other messages are another wait's business; only count what concerns this one.
      if (decoded.messageId === undefined || decoded.messageId === this.#messageId) this.#reject(decoded.reason, decoded.detail, entryId);
      return;
    }
    const ack = decoded.value;
    // A replacement acknowledges for the coordinator it replaces: it counts as that one's ACK.
    const from = this.#wanted.has(ack.coordinatorId) ? ack.coordinatorId : ack.onBehalfOf;
    if (ack.messageId !== this.#messageId || from === undefined || !this.#wanted.has(from)) return;
    if (this.acks.has(from)) return this.#reject('replay_processed', `a second ACK from ${from}`, entryId);
    this.acks.set(from, ack);
  }

  #reject(reason: RejectionReason, detail: string, entryId?: string): void {
    const event: RejectionEvent = { kind: 'ack', reason, detail, coordinatorId: this.#deps.waiterId, messageId: this.#messageId };
    if (entryId !== undefined) event.entryId = entryId;
    this.#deps.onRejected(event);
  }
}
