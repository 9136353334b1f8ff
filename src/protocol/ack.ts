import * as z from 'zod';
import { canonicalHash, jsonValueProblem } from './canonical-json.js';
import type { Keyring } from './keyring.js';
import { jsonShapeProblem } from './json-shape.js';
import { idField, isOverLimit, messageIdField, wholeNumberField } from './message-fields.js';
import { checkReplayWindow, rejected, type Decoded } from './rejection.js';

/** A signed acknowledgement of one message by one coordinator, with its answer if it gave one. */
export interface Ack<R = unknown> {
  messageId: string;
  /** The coordinator that acknowledged. */
  coordinatorId: string;
  /** The sender of the acknowledged signal. */
  senderId: string;
  /** What the acknowledger says of the signal, e.g. `received`, `processed`, `rejected`. */
  status: string;
  /** Store-clock ms at signing. */
  timestamp: number;
  iteration?: number;
  /** The acknowledger's answer (any JSON value: a verdict, a vote, a result), covered by the signature. */
  result?: R;
  /** Set when a replacement acknowledged a signal addressed to the coordinator it replaces. */
  replaces?: string;
  signature: string;
}

export type UnsignedAck<R = unknown> = Omit<Ack<R>, 'signature'>;

const ackSchema = z.object({
  // 2 exactly when it carries a result: a reader from before results rejects it as malformed, not as a bad signature.
  v: z.union([z.literal(1), z.literal(2)]),
  messageId: messageIdField,
  coordinatorId: idField,
  senderId: idField,
  status: idField,
  timestamp: wholeNumberField,
  iteration: wholeNumberField.optional(),
  result: z.unknown().optional(),
  replaces: idField.optional(),
  signature: z.string().optional(),
});

/**
 * What an ACK's signature covers: every field, status included; optional fields are appended in
 * this order: `:iteration=<n>`, `:result=<sha256 of key-sorted JSON>`, `:replaces=<id>`. The
 * `rdv-ack-v1` line keeps an ACK signature from ever passing as a signal signature (signal strings
 * hold no newline).
 */
export function ackSigningString(a: UnsignedAck): string {
  let text = `rdv-ack-v1\n${a.coordinatorId}:${a.senderId}:${a.messageId}:${a.status}:${a.timestamp}`;
  if (a.iteration !== undefined) text += `:iteration=${a.iteration}`;
  if (a.result !== undefined) text += `:result=${canonicalHash(a.result)}`;
  if (a.replaces !== undefined) text += `:replaces=${a.replaces}`;
  return text;
}

/** Signs and serialises an ACK. `result` must already be normalised (see normalizePayload). */
export function encodeAck<R>(unsigned: UnsignedAck<R>, keyring: Keyring): { body: string; ack: Ack<R> } {
  const ack: Ack<R> = { ...unsigned, signature: keyring.sign(ackSigningString(unsigned)) };
  return { body: JSON.stringify({ v: unsigned.result === undefined ? 1 : 2, ...ack }), ack };
}

/** Version 2 exactly when the ACK carries a result. */
function versionFits(v: 1 | 2, result: unknown): boolean {
  return (v === 2) === (result !== undefined);
}

/** Parses a stored ACK without verifying it (for ACKs this coordinator itself wrote). */
export function parseAck(body: string): Ack | undefined {
  try {
    const parsed = ackSchema.safeParse(JSON.parse(body));
    if (!parsed.success || parsed.data.signature === undefined) return undefined;
    const { v, ...ack } = parsed.data;
    if (!versionFits(v, ack.result)) return undefined;
    return { ...ack, signature: parsed.data.signature };
  } catch {
    return undefined;
  }
}

export interface AckCheck {
  keyring: Keyring;
  /** The coordinator waiting: only ACKs of its own messages count. */
  senderId: string;
  replayWindowMs: number;
  /** A longer body is refused before it is parsed (the receiver's maxSignalBytes). */
  maxBodyBytes?: number;
}

/**
 * Parses and verifies an ACK. Never throws. `entryTime` is when the store appended the notice;
 * undefined for an ACK read from its own key (written by the acknowledge script, no notice time).
 */
export function decodeAck(body: string, entryTime: number | undefined, check: AckCheck): Decoded<Ack> {
  if (typeof body !== 'string') return rejected('malformed', 'ACK body is not a string');
  if (isOverLimit(body, check.maxBodyBytes)) return rejected('malformed', `ACK body is over ${check.maxBodyBytes} bytes (maxSignalBytes)`);
  const shape = jsonShapeProblem(body);
  if (shape !== undefined) return rejected('malformed', `ACK body ${shape}`);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return rejected('malformed', 'ACK body is not JSON');
  }
  const parsed = ackSchema.safeParse(json);
  if (!parsed.success) return rejected('malformed', `ACK schema: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  // One copy of what the schema gave back, without `v`: the ACK itself (its signature is checked below).
  const { v, ...ack } = parsed.data;
  if (!versionFits(v, ack.result)) return rejected('malformed', `ACK v${v} ${v === 2 ? 'without' : 'with'} a result`, ack.messageId);
  const resultProblem = ack.result === undefined ? undefined : jsonValueProblem(ack.result);
  if (resultProblem !== undefined) return rejected('malformed', `ACK result ${resultProblem}`, ack.messageId);
  if (ack.senderId !== check.senderId) {
    return rejected('wrong_receiver', `ACK for sender ${ack.senderId}, read by ${check.senderId}`, ack.messageId);
  }
  const verdict = check.keyring.verify(ackSigningString(ack), ack.signature);
  if (verdict !== 'ok') return rejected(verdict, `ACK signature: ${verdict}`, ack.messageId);
  const replay = entryTime === undefined ? undefined : checkReplayWindow(ack.timestamp, entryTime, check.replayWindowMs);
  if (replay) return rejected('replay_window', `ACK ${replay}`, ack.messageId);
  return { ok: true, value: ack as Ack };
}
