/**
 * Why an incoming signal or ACK was rejected. A rejected message is counted, logged with its
 * reason and skipped; it never makes a waiter throw.
 */
export type RejectionReason =
  /** Not JSON, or not of the message schema. */
  | 'malformed'
  /** No signature field. */
  | 'unsigned'
  /** A signature that is not 64 hex characters. */
  | 'signature_length'
  /** A signature that no active secret produced: forged, tampered, or a secret mismatch. */
  | 'bad_signature'
  /** Addressed to another coordinator (a copy moved into the wrong inbox). */
  | 'wrong_receiver'
  /** The messageId does not follow from the signed fields. */
  | 'message_id_mismatch'
  /** Written to the store further from its signing time than the replay window allows. */
  | 'replay_window'
  /** A messageId this coordinator already acknowledged. */
  | 'replay_processed'
  /** A second copy of a message that is already awaiting its ACK here. */
  | 'duplicate_delivery';

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: RejectionReason; detail: string; messageId?: string };

export function rejected(reason: RejectionReason, detail: string, messageId?: string): Decoded<never> {
  return messageId === undefined ? { ok: false, reason, detail } : { ok: false, reason, detail, messageId };
}

/** Replay check shared by signals and ACKs: the store wrote it (entryTime) near when it was signed (timestamp). */
export function checkReplayWindow(timestamp: number, entryTime: number, windowMs: number): string | undefined {
  const lag = entryTime - timestamp;
  if (lag > windowMs) return `stored ${lag} ms after it was signed (window ${windowMs} ms)`;
  if (-lag > windowMs) return `signed ${-lag} ms in the future of the store clock (window ${windowMs} ms)`;
  return undefined;
}
