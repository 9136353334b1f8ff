import type { KeyringSlot } from '../../core/secrets.js';
import { isValidId } from '../../protocol/ids.js';
import { MAX_EPOCH, leaseEventSigningString, leaseSigningString, type LeaseEventKind, type LeaseSealFields } from '../../protocol/election-seal.js';
import type { StoredLease } from '../../store/lease-types.js';

/** A leadership event whose seal verified. */
export interface LeaseEvent {
  event: LeaseEventKind;
  workerId: string;
  epoch: number;
}

/** Why a record or an event is not believed. */
export type ForgeryReason = 'malformed' | 'unsigned' | 'signature_length' | 'bad_signature';

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: ForgeryReason };

/** A leadership event longer than this is refused before it is parsed (a genuine one is about 150 bytes). */
const MAX_EVENT_BYTES = 1_024;
/** Whole numbers as JavaScript prints them: one spelling per number, so a record has one seal. */
const CANONICAL_NUMBER = /^(0|[1-9][0-9]{0,15})$/;
/** The instance nonce: 8 random bytes in hex (global-coordinator.ts). */
const INSTANCE = /^[0-9a-f]{16}$/;

/** A stored number in its one spelling, up to MAX_EPOCH; undefined otherwise. */
function wholeNumber(text: string): number | undefined {
  if (!CANONICAL_NUMBER.test(text)) return undefined;
  const n = Number(text);
  return n <= MAX_EPOCH ? n : undefined;
}

const isEpoch = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;

/**
 * The seals of one namespace's election, with the coordinators' keyring (read at each use, so a
 * rotation applies at once): what a worker writes, it seals; what it reads, it believes only when
 * the seal verifies. The store holds no secret, so this is where forgeries are told apart.
 */
export class ElectionSeals {
  readonly #keys: KeyringSlot;
  readonly #namespace: string;

  constructor(keys: KeyringSlot, namespace: string) {
    this.#keys = keys;
    this.#namespace = namespace;
  }

  lease(fields: LeaseSealFields): string {
    return this.#keys.current.sign(leaseSigningString(this.#namespace, fields));
  }

  event(event: LeaseEventKind, workerId: string, epoch: number): string {
    return this.#keys.current.sign(leaseEventSigningString(this.#namespace, event, workerId, epoch));
  }

  /** The fields of a stored record, if they are well formed and its seal verifies. */
  verifyLease(record: StoredLease): Checked<LeaseSealFields> {
    const [epoch, leaseMs, renewal] = [wholeNumber(record.epoch), wholeNumber(record.leaseMs), wholeNumber(record.renewal)];
    if (!isValidId(record.workerId) || !INSTANCE.test(record.instance) || epoch === undefined || epoch < 1 || !leaseMs || renewal === undefined) {
      return { ok: false, reason: 'malformed' };
    }
    const fields: LeaseSealFields = { workerId: record.workerId, instance: record.instance, epoch, leaseMs, renewal };
    const verdict = this.#keys.current.verify(leaseSigningString(this.#namespace, fields), record.seal);
    return verdict === 'ok' ? { ok: true, value: fields } : { ok: false, reason: verdict };
  }

  /** An event entry's body, if it is a well-formed leadership event and its seal verifies. */
  verifyEvent(body: string | null): Checked<LeaseEvent> {
    if (body === null || body.length > MAX_EVENT_BYTES) return { ok: false, reason: 'malformed' };
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    const { event, workerId, epoch, seal } = (parsed ?? {}) as Record<string, unknown>;
    if ((event !== 'acquired' && event !== 'released') || !isValidId(workerId) || !isEpoch(epoch)) return { ok: false, reason: 'malformed' };
    const verdict = this.#keys.current.verify(leaseEventSigningString(this.#namespace, event, workerId, epoch), seal);
    return verdict === 'ok' ? { ok: true, value: { event, workerId, epoch } } : { ok: false, reason: verdict };
  }
}
