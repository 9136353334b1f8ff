import { decodeAck, type Ack } from '../protocol/ack.js';
import { CoordinatorShutdownError, InvalidSignalError } from '../protocol/errors.js';
import type { Keyring } from '../protocol/keyring.js';
import type { Logger } from '../protocol/logger.js';
import type { InboxRef, Store, StreamEntry } from '../store/port.js';
import type { CoordinatorConfig } from './config.js';
import type { RejectionEvent } from './rejection-event.js';
import { pauseBeforeRetry } from './retry-pause.js';

export interface AckWaitDeps {
  store: Store;
  /** The waiting sender, in the swarm of the receivers. */
  sender: InboxRef;
  keyring: Keyring;
  config: CoordinatorConfig;
  logger: Logger;
  stop: AbortSignal;
  onRejected(event: RejectionEvent): void;
}

function assertMessageId(messageId: string): void {
  const timestamp = Number(messageId.slice(messageId.lastIndexOf(':') + 1));
  if (!Number.isSafeInteger(timestamp)) throw new InvalidSignalError(`${JSON.stringify(messageId)} is not a messageId from sendSignal()`, { messageId });
}

/**
 * Waits for verified ACKs of one message from a set of coordinators: one atomic snapshot of the
 * ACKs already stored, then blocking reads of the sender's ACK notices written after it. Returns
 * what arrived by the timeout, never throws for what did not.
 */
export async function waitForAcks(deps: AckWaitDeps, ackerIds: readonly string[], messageId: string, timeoutMs: number): Promise<Map<string, Ack>> {
  const { store, sender, keyring, config, logger, stop } = deps;
  const check = { keyring, senderId: sender.coordinatorId, replayWindowMs: config.replayWindowMs };
  const wanted = new Set(ackerIds);
  const acks = new Map<string, Ack>();
  assertMessageId(messageId);
  const deadline = performance.now() + timeoutMs;
  let cursor: string | undefined;
  let failures = 0;

  const reject = (reason: RejectionEvent['reason'], detail: string, entryId?: string) => {
    const event: RejectionEvent = { kind: 'ack', reason, detail, coordinatorId: sender.coordinatorId, messageId };
    if (entryId !== undefined) event.entryId = entryId;
    deps.onRejected(event);
  };
  const consider = (body: string | null, entryTime: number | undefined, entryId?: string) => {
    if (body === null) return;
    const decoded = decodeAck(body, entryTime, check);
    if (!decoded.ok) {
      // Notices of other messages are another wait's business; only count what concerns this one.
      if (decoded.messageId === undefined || decoded.messageId === messageId) reject(decoded.reason, decoded.detail, entryId);
      return;
    }
    const ack = decoded.value;
    if (ack.messageId !== messageId || !wanted.has(ack.coordinatorId)) return;
    if (acks.has(ack.coordinatorId)) return reject('replay_processed', `a second ACK from ${ack.coordinatorId}`, entryId);
    acks.set(ack.coordinatorId, ack);
  };

  while (acks.size < wanted.size) {
    if (stop.aborted) throw new CoordinatorShutdownError(sender.coordinatorId);
    const remaining = deadline - performance.now();
    if (remaining <= 0) break;
    let entries: StreamEntry[];
    try {
      if (cursor === undefined) {
        const snapshot = await store.ackSnapshot(sender, [...wanted], messageId);
        for (const body of snapshot.acks) consider(body, undefined);
        cursor = snapshot.cursor;
        continue;
      }
      entries = await store.readAckNotices(sender, cursor, {
        count: config.readBatchSize,
        blockMs: Math.max(1, Math.min(config.maxBlockMs, Math.ceil(remaining))),
        signal: stop,
      });
      failures = 0;
    } catch (error) {
      failures += 1;
      logger.warn({ err: error, failures, messageId }, 'ACK notice read failed; retrying');
      await pauseBeforeRetry(failures, stop);
      continue;
    }
    for (const entry of entries) {
      cursor = entry.id;
      consider(entry.body, entry.time, entry.id);
    }
  }
  if (stop.aborted) throw new CoordinatorShutdownError(sender.coordinatorId);

  // A notice can be trimmed away under a flood; the ACK keys are the record. One read, at the end.
  const missing = [...wanted].filter((id) => !acks.has(id));
  if (missing.length > 0) {
    try {
      const snapshot = await store.ackSnapshot(sender, missing, messageId);
      for (const body of snapshot.acks) consider(body, undefined);
    } catch (error) {
      logger.warn({ err: error, messageId }, 'could not read ACK keys; returning the ACKs already seen');
    }
  }
  return acks;
}
