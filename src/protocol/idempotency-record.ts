import type { Keyring } from './keyring.js';

/** Where an idempotency record lives: one key of one receiver in one swarm. */
export interface IdempotencySlot {
  swarmId: string;
  receiverId: string;
  idempotencyKey: string;
}

/** Begins with `#`, which no id may hold: no signal's or ACK's signing string (each begins with an id) can equal one. */
const signingString = (slot: IdempotencySlot, messageId: string): string => `#idempotency:${slot.swarmId}:${slot.receiverId}:${slot.idempotencyKey}:${messageId}`;

/**
 * What an idempotency key holds: the messageId of the send that took it, and a signature that
 * binds it to this key, so that a record written without the secret (a key claimed ahead of a
 * genuine send, or garbage) is found out and never reported as that send's duplicate.
 */
export function encodeIdempotencyRecord(keyring: Keyring, slot: IdempotencySlot, messageId: string): string {
  return `${messageId} ${keyring.sign(signingString(slot, messageId))}`;
}

/** The messageId a record names, or undefined when it was not written by a holder of the secret for this key. */
export function decodeIdempotencyRecord(keyring: Keyring, slot: IdempotencySlot, record: string): string | undefined {
  const space = record.lastIndexOf(' ');
  if (space <= 0) return undefined;
  const messageId = record.slice(0, space);
  return keyring.verify(signingString(slot, messageId), record.slice(space + 1)) === 'ok' ? messageId : undefined;
}
