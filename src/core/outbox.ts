import { normalizePayload } from '../protocol/canonical-json.js';
import { InvalidPayloadError, StoreCommandError } from '../protocol/errors.js';
import { decodeIdempotencyRecord, encodeIdempotencyRecord, type IdempotencySlot } from '../protocol/idempotency-record.js';
import { encodeSignal, type SignalType, type UnsignedSignal } from '../protocol/signal.js';
import type { AppendOptions, InboxRef, InboxStore } from '../store/port.js';
import type { AckWaits } from './ack-waits.js';
import type { CoordinatorObserver } from './coordinator-observer.js';
import type { CoordinatorConfig } from './coordinator-options.js';
import type { MessageStamps } from './message-stamps.js';
import type { KeyringSlot } from './secrets.js';

/** What a send carries besides its type. */
export interface SendOptions<P> {
  iteration?: number;
  payload?: P;
  /** A resend with the same key (to the same receiver) is recognised and not delivered twice. */
  idempotencyKey?: string;
  /** The receiver's swarm, when it is not this coordinator's. */
  swarmId?: string;
}

export interface SendResult {
  /** The signal's messageId; for a duplicate, that of the send that took the idempotency key first. */
  messageId: string;
  /** The idempotency key was taken already: nothing was appended. */
  isDuplicate: boolean;
}

/** Forged idempotency records replaced before a send gives up: one forger rewriting the key at once only delays it so often. */
const MAX_FORGED_RECORDS = 3;

export interface OutboxDeps {
  store: InboxStore;
  /** The sending coordinator. */
  own: InboxRef;
  /** The dead coordinator it replaces: its signals are signed as that one's too. */
  replaces: string | undefined;
  config: CoordinatorConfig;
  stamps: MessageStamps;
  keys: KeyringSlot;
  /** Told of each message sent, so the wait for its ACKs that may follow finds them without a read. */
  ackWaits: AckWaits;
  observer: Pick<CoordinatorObserver, 'forgedRecord'>;
}

/** A coordinator's sending side: stamps and signs a signal, appends it to the receiver's inbox. */
export class Outbox {
  readonly #deps: OutboxDeps;

  constructor(deps: OutboxDeps) {
    this.#deps = deps;
  }

  /** Resolves once the signal is durable in the receiver's inbox (arguments already validated). */
  async send<P>(receiverId: string, type: SignalType, options: SendOptions<P>): Promise<SendResult> {
    const { store, own, replaces, config, stamps, keys, ackWaits } = this.#deps;
    // Built field by field, not from conditional spreads: each spread is a throwaway object on every send.
    const stamp = stamps.next();
    const unsigned: UnsignedSignal<P> = { senderId: own.coordinatorId, receiverId, type, timestamp: stamp.timestamp };
    if (stamp.seq !== undefined) unsigned.seq = stamp.seq;
    if (options.iteration !== undefined) unsigned.iteration = options.iteration;
    if (options.payload !== undefined) unsigned.payload = normalizePayload(options.payload) as P;
    if (options.idempotencyKey !== undefined) unsigned.idempotencyKey = options.idempotencyKey;
    if (replaces !== undefined) unsigned.replaces = replaces;
    const { body, signal } = encodeSignal(unsigned, keys.current);
    const bytes = Buffer.byteLength(body);
    if (bytes > config.maxSignalBytes) throw new InvalidPayloadError(`Signal is ${bytes} bytes; the limit is ${config.maxSignalBytes} (maxSignalBytes).`);
    const to: InboxRef = { swarmId: options.swarmId ?? own.swarmId, coordinatorId: receiverId };
    const append: AppendOptions = {
      messageId: signal.messageId,
      senderId: own.coordinatorId,
      ttlMs: config.signalTtlMs,
      maxSendsPerSecond: config.maxSendsPerSecond,
      maxInboxLength: config.maxInboxLength,
    };
    const key = options.idempotencyKey;
    const slot: IdempotencySlot | undefined = key === undefined ? undefined : { swarmId: to.swarmId, receiverId, idempotencyKey: key };
    if (slot) {
      append.idempotencyKey = slot.idempotencyKey;
      append.idempotencyRecord = encodeIdempotencyRecord(keys.current, slot, signal.messageId);
    }
    for (let forged = 0; ; forged += 1) {
      const result = await store.appendSignal(to, body, append);
      if (!result.isDuplicate) break;
      // The record is the store's word: believed only when a holder of the secret signed it for this key.
      const first = decodeIdempotencyRecord(keys.current, slot!, result.record);
      if (first !== undefined) return { messageId: first, isDuplicate: true };
      this.#deps.observer.forgedRecord({ kind: 'idempotency', coordinatorId: own.coordinatorId, messageId: signal.messageId, detail: `idempotency key ${key} of ${receiverId} holds a record no holder of the secret wrote` });
      if (forged + 1 >= MAX_FORGED_RECORDS) throw new StoreCommandError('appendSignal', new Error(`the idempotency record of key ${key} was forged ${MAX_FORGED_RECORDS} times in a row`));
      append.replaceRecord = result.record;
    }
    // Its ACK notices reach this coordinator's own feed only when the receiver is in its swarm.
    if (to.swarmId === own.swarmId) ackWaits.expect(signal.messageId);
    return { messageId: signal.messageId, isDuplicate: false };
  }
}
