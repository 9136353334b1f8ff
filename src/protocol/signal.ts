import * as z from 'zod';
import { canonicalHash, jsonValueProblem } from './canonical-json.js';
import type { Keyring } from './keyring.js';
import { jsonShapeProblem } from './json-shape.js';
import { idField, isOverLimit, messageIdField, wholeNumberField } from './message-fields.js';
import { checkReplayWindow, rejected, type Decoded } from './rejection.js';

/** The signal types the runbooks name; any other id-shaped string is a valid custom type. */
export const SIGNAL_TYPES = ['wake', 'completion', 'validate', 'decide', 'checkpoint', 'status_update', 'retry_request', 'error'] as const;
export type KnownSignalType = (typeof SIGNAL_TYPES)[number];
/** A known type, or any custom string of the id alphabet (autocompletes the known ones). */
export type SignalType = KnownSignalType | (string & {});

/** A verified signal, as blockUntilSignal returns it. */
export interface Signal<P = unknown> {
  /** `<senderId>:<type>:<timestamp>[.<seq>]`, unique per sender; derived from signed fields. */
  messageId: string;
  senderId: string;
  receiverId: string;
  type: SignalType;
  /** Store-clock ms at signing. */
  timestamp: number;
  /** 1, 2, ... for further signals a sender signs within the same ms; absent for the first. */
  seq?: number;
  iteration?: number;
  payload?: P;
  idempotencyKey?: string;
  /** Set by a replacement coordinator: it speaks for the coordinator it replaces (filters match either). */
  replaces?: string;
  /** Hex HMAC-SHA256 over signalSigningString(). */
  signature: string;
  /** The inbox entry that carried it (used to acknowledge); absent on signals built by hand. */
  entryId?: string;
}

export type UnsignedSignal<P = unknown> = Omit<Signal<P>, 'signature' | 'entryId' | 'messageId'>;

const signalSchema = z.object({
  v: z.literal(1),
  messageId: messageIdField,
  senderId: idField,
  receiverId: idField,
  type: idField,
  timestamp: wholeNumberField,
  seq: z.number().int().positive().optional(),
  iteration: wholeNumberField.optional(),
  payload: z.unknown().optional(),
  idempotencyKey: idField.optional(),
  replaces: idField.optional(),
  signature: z.string().optional(),
});

export function deriveMessageId(senderId: string, type: string, timestamp: number, seq?: number): string {
  return `${senderId}:${type}:${timestamp}${seq === undefined ? '' : `.${seq}`}`;
}

/**
 * What a signal's signature covers. With no seq, iteration, payload or idempotency key it is
 * exactly `senderId:receiverId:type:timestamp` (the runbook's openssl recipe); otherwise these are
 * appended in this order: `:seq=<n>`, `:iteration=<n>`, `:payload=<sha256 of key-sorted JSON>`,
 * `:idempotencyKey=<key>`, `:replaces=<id>`. The messageId is derived from signed fields, so it
 * is covered too.
 */
export function signalSigningString(s: UnsignedSignal): string {
  let text = `${s.senderId}:${s.receiverId}:${s.type}:${s.timestamp}`;
  if (s.seq !== undefined) text += `:seq=${s.seq}`;
  if (s.iteration !== undefined) text += `:iteration=${s.iteration}`;
  if (s.payload !== undefined) text += `:payload=${canonicalHash(s.payload)}`;
  if (s.idempotencyKey !== undefined) text += `:idempotencyKey=${s.idempotencyKey}`;
  if (s.replaces !== undefined) text += `:replaces=${s.replaces}`;
  return text;
}

/** Signs and serialises a signal for the store. `payload` must already be normalised. */
export function encodeSignal<P>(unsigned: UnsignedSignal<P>, keyring: Keyring): { body: string; signal: Signal<P> } {
  const signal: Signal<P> = {
    messageId: deriveMessageId(unsigned.senderId, unsigned.type, unsigned.timestamp, unsigned.seq),
    ...unsigned,
    signature: keyring.sign(signalSigningString(unsigned)),
  };
  return { body: JSON.stringify({ v: 1, ...signal }), signal };
}

export interface SignalCheck {
  keyring: Keyring;
  receiverId: string;
  /** The coordinator this one replaces: signals addressed to it are this one's too. */
  replaces?: string;
  replayWindowMs: number;
  /** A longer body is refused before it is parsed (the receiver's maxSignalBytes): parsing costs time. */
  maxBodyBytes?: number;
}

/** Parses and verifies a stored signal. Never throws; a bad message is a rejection with a reason. */
export function decodeSignal(body: string, entryTime: number, check: SignalCheck): Decoded<Signal> {
  if (typeof body !== 'string') return rejected('malformed', 'signal body is not a string');
  if (isOverLimit(body, check.maxBodyBytes)) return rejected('malformed', `signal body is over ${check.maxBodyBytes} bytes (maxSignalBytes)`);
  const shape = jsonShapeProblem(body);
  if (shape !== undefined) return rejected('malformed', `signal body ${shape}`);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return rejected('malformed', 'signal body is not JSON');
  }
  const parsed = signalSchema.safeParse(json);
  if (!parsed.success) return rejected('malformed', `signal schema: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  // One copy of what the schema gave back, without `v`: the signal itself (its signature is checked below).
  const { v: _v, ...signal } = parsed.data;
  const messageId = signal.messageId;
  const payloadProblem = signal.payload === undefined ? undefined : jsonValueProblem(signal.payload);
  if (payloadProblem !== undefined) return rejected('malformed', `signal payload ${payloadProblem}`, messageId);
  if (signal.receiverId !== check.receiverId && signal.receiverId !== check.replaces) {
    return rejected('wrong_receiver', `addressed to ${signal.receiverId}, read by ${check.receiverId}`, messageId);
  }
  if (messageId !== deriveMessageId(signal.senderId, signal.type, signal.timestamp, signal.seq)) {
    return rejected('message_id_mismatch', `messageId ${messageId} does not follow from sender, type, timestamp and seq`, messageId);
  }
  const verdict = check.keyring.verify(signalSigningString(signal), signal.signature);
  if (verdict !== 'ok') return rejected(verdict, `signal signature: ${verdict}`, messageId);
  const replay = checkReplayWindow(signal.timestamp, entryTime, check.replayWindowMs);
  if (replay) return rejected('replay_window', `signal ${replay}`, messageId);
  return { ok: true, value: signal as Signal };
}
