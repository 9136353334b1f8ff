import type { Signal } from '../protocol/signal.js';
import type { ForgedRecordEvent } from './forged-record.js';
import type { RejectionEvent } from './rejection-event.js';

/** A wait in progress, as `wait:started` reports it (used by tests and by deadlock detection). */
export type WaitDescription =
  | { kind: 'signal'; coordinatorId: string; from?: string[]; types?: string[]; iteration?: number }
  | { kind: 'acks'; coordinatorId: string; from: string[]; messageId: string };

/** What a coordinator's parts (inbox, ACK waits) tell it; it turns each into an event, a log line and a metric. */
export interface CoordinatorObserver {
  /** A verified signal reached the inbox. */
  accepted(signal: Signal): void;
  /** A signal or ACK was skipped, with why. */
  rejected(event: RejectionEvent): void;
  /** A record in the store was not written by a holder of the secret: not believed, written anew. */
  forgedRecord(event: ForgedRecordEvent): void;
  /** A wait began: from here on, what it waits for is seen. */
  waitStarted(wait: WaitDescription): void;
}
