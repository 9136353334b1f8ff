/**
 * Emitted as `record:forged` when a record the store holds for delivery (an idempotency record or
 * an ACK) was not written by a holder of the secret: it is not believed, and written anew.
 */
export interface ForgedRecordEvent {
  kind: 'idempotency' | 'ack';
  /** The coordinator that found it. */
  coordinatorId: string;
  /** The message it was about: the send it would have swallowed, or the signal it claimed was acknowledged. */
  messageId: string;
  detail: string;
}
