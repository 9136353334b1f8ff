import type { RejectionReason } from '../protocol/rejection.js';

/** Emitted as `message:rejected` for every signal or ACK that was skipped, with why. */
export interface RejectionEvent {
  kind: 'signal' | 'ack';
  reason: RejectionReason;
  detail: string;
  coordinatorId: string;
  messageId?: string;
  entryId?: string;
}
