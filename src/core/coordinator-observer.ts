import type { Signal } from '../protocol/signal.js';
import type { ForgedRecordEvent } from './forged-record.js';
import type { HeldLimitEvent } from './held-limit.js';
import type { RejectionEvent } from './rejection-event.js';

/** A wait in progress, as `wait:started` reports it (used by tests and by deadlock detection). */
export type WaitDescription =
  | { kind: 'signal'; coordinatorId: string; from?: string[]; types?: string[]; iteration?: number }
  | { kind: 'acks'; coordinatorId: string; from: string[]; messageId: string };

/** How a wait ended: all it waited for came, its timeout passed, or an abort, the coordinator's stop or an error ended it. */
export type WaitOutcome = 'completed' | 'timeout' | 'aborted';

/** A wait that ended (`wait:ended`): emitted only while someone listens, so nothing is timed otherwise. */
export interface WaitEndedEvent {
  /** `signal`: blockUntilSignal, or a whole waitForSignals barrier; `acks`: waitForAcks. */
  kind: 'signal' | 'acks';
  coordinatorId: string;
  /** How long it waited, ms (monotonic clock). */
  durationMs: number;
  outcome: WaitOutcome;
  /** The signals (kind `signal`) or verified ACKs (kind `acks`) it returned. */
  received: number;
}

/** A send that resolved (`signal:sent`): emitted only while someone listens. */
export interface SignalSentEvent {
  receiverId: string;
  /** The receiver's swarm. */
  swarmId: string;
  type: string;
  messageId: string;
  /** The idempotency key was taken already: nothing was appended. */
  isDuplicate: boolean;
}

/** When a signal reached this coordinator, by the store's clock: the second argument of `signal:received`. */
export interface SignalDelivery {
  /** Store-clock ms when the inbox accepted it. */
  receivedAt: number;
  /** receivedAt minus the signal's store-clock send timestamp, ms (0 when the clocks' rounding makes it negative). */
  latencyMs: number;
}

/** What a coordinator's parts (inbox, ACK waits) tell it; it turns each into an event, a log line and a metric. */
export interface CoordinatorObserver {
  /** A verified signal reached the inbox. */
  accepted(signal: Signal): void;
  /** A signal or ACK was skipped, with why. */
  rejected(event: RejectionEvent): void;
  /** A record in the store was not written by a holder of the secret: not believed, written anew. */
  forgedRecord(event: ForgedRecordEvent): void;
  /** The inbox reached the most signals it holds of one kind (reported once, until below half again). */
  heldLimit(event: HeldLimitEvent): void;
  /** A wait began: from here on, what it waits for is seen. */
  waitStarted(wait: WaitDescription): void;
  /** Whether anyone hears of waits starting: when not, a wait builds no description. */
  readonly waitsWatched: boolean;
}
