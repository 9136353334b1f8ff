import { normalizePayload } from '../../protocol/canonical-json.js';
import { InvalidPayloadError, StoreCommandError } from '../../protocol/errors.js';
import { decodeIdempotencyRecord, encodeIdempotencyRecord } from '../../protocol/idempotency-record.js';
import type { Keyring } from '../../protocol/keyring.js';
import { encodeSignal } from '../../protocol/signal.js';
import type { AppendOptions, InboxStore } from '../../store/port.js';

export interface OpsSend {
  swarmId: string;
  from: string;
  to: string;
  type: string;
  payload?: unknown;
  iteration?: number;
  idempotencyKey?: string;
}

export interface OpsSenderOptions {
  store: Pick<InboxStore, 'appendSignal' | 'time'>;
  keyring: () => Keyring;
  maxSignalBytes: number;
  signalTtlMs: number;
}

/**
 * Sends signals on the operator's behalf (POST /api/signals/send), signed as a coordinator's
 * are, without being a coordinator: no heartbeat, no registry entry, no inbox. Timestamps come
 * from the store's clock, with a sequence number for further sends in the same ms.
 */
export class OpsSender {
  readonly #options: OpsSenderOptions;
  #last = { timestamp: 0, seq: 0 };

  constructor(options: OpsSenderOptions) {
    this.#options = options;
  }

  async send(request: OpsSend): Promise<{ messageId: string; isDuplicate: boolean }> {
    const { store, keyring, maxSignalBytes, signalTtlMs } = this.#options;
    const keys = keyring();
    const now = await store.time();
    const last = this.#last;
    this.#last = now > last.timestamp ? { timestamp: now, seq: 0 } : { timestamp: last.timestamp, seq: last.seq + 1 };
    const { timestamp, seq } = this.#last;
    const unsigned = {
      senderId: request.from,
      receiverId: request.to,
      type: request.type,
      timestamp,
      ...(seq > 0 ? { seq } : {}),
      ...(request.iteration !== undefined ? { iteration: request.iteration } : {}),
      ...(request.payload !== undefined ? { payload: normalizePayload(request.payload) } : {}),
      ...(request.idempotencyKey !== undefined ? { idempotencyKey: request.idempotencyKey } : {}),
    };
    const { body, signal } = encodeSignal(unsigned, keys);
    const bytes = Buffer.byteLength(body);
    if (bytes > maxSignalBytes) throw new InvalidPayloadError(`Signal is ${bytes} bytes; the limit is ${maxSignalBytes} (maxSignalBytes).`);
    const to = { swarmId: request.swarmId, coordinatorId: request.to };
    const append: AppendOptions = { messageId: signal.messageId, senderId: request.from, ttlMs: signalTtlMs };
    const slot = request.idempotencyKey === undefined ? undefined : { swarmId: to.swarmId, receiverId: to.coordinatorId, idempotencyKey: request.idempotencyKey };
    if (slot) {
      append.idempotencyKey = slot.idempotencyKey;
      append.idempotencyRecord = encodeIdempotencyRecord(keys, slot, signal.messageId);
    }
    const result = await store.appendSignal(to, body, append);
    if (!result.isDuplicate) return { messageId: signal.messageId, isDuplicate: false };
    const first = decodeIdempotencyRecord(keys, slot!, result.record);
    // A record no holder of the secret wrote: refused rather than trusted (the runbook's forged records).
    if (first === undefined) throw new StoreCommandError('appendSignal', new Error(`the idempotency record of key ${request.idempotencyKey} is not signed by this secret`));
    return { messageId: first, isDuplicate: true };
  }
}
