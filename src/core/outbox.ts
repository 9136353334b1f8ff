import { normalizePayload } from '../protocol/canonical-json.js';
import { InvalidPayloadError } from '../protocol/errors.js';
import { encodeSignal, type SignalType } from '../protocol/signal.js';
import type { AppendResult, InboxRef, InboxStore } from '../store/port.js';
import type { AckWaits } from './ack-waits.js';
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
}

/** A coordinator's sending side: stamps and signs a signal, appends it to the receiver's inbox. */
export class Outbox {
  readonly #deps: OutboxDeps;

  constructor(deps: OutboxDeps) {
    this.#deps = deps;
  }

  /** Resolves once the signal is durable in the receiver's inbox (arguments already validated). */
  async send<P>(receiverId: string, type: SignalType, options: SendOptions<P>): Promise<AppendResult> {
    const { store, own, replaces, config, stamps, keys, ackWaits } = this.#deps;
    const unsigned = {
      senderId: own.coordinatorId,
      receiverId,
      type,
      ...stamps.next(),
      ...(options.iteration !== undefined ? { iteration: options.iteration } : {}),
      ...(options.payload !== undefined ? { payload: normalizePayload(options.payload) } : {}),
      ...(options.idempotencyKey !== undefined ? { idempotencyKey: options.idempotencyKey } : {}),
      ...(replaces !== undefined ? { replaces: replaces } : {}),
    };
    const { body, signal } = encodeSignal(unsigned, keys.current);
    const bytes = Buffer.byteLength(body);
    if (bytes > config.maxSignalBytes) throw new InvalidPayloadError(`Signal is ${bytes} bytes; the limit is ${config.maxSignalBytes} (maxSignalBytes).`);
    const to: InboxRef = { swarmId: options.swarmId ?? own.swarmId, coordinatorId: receiverId };
    const result = await store.appendSignal(to, body, {
      messageId: signal.messageId,
      senderId: own.coordinatorId,
      ttlMs: config.signalTtlMs,
      ...(options.idempotencyKey !== undefined ? { idempotencyKey: options.idempotencyKey } : {}),
    });
    // Its ACK notices reach this coordinator's own feed only when the receiver is in its swarm.
    if (!result.isDuplicate && to.swarmId === own.swarmId) ackWaits.expect(signal.messageId);
    return { messageId: result.messageId, isDuplicate: result.isDuplicate };
  }
}
