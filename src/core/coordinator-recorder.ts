import type { WaitOutcome } from './coordinator-observer.js';

/**
 * The key of a coordinator's method that attaches a recorder: a registered symbol, so the
 * observability layer reaches it without importing core/, and it stays off the public surface.
 */
export const ATTACH_RECORDER = Symbol.for('rendezvous.coordinator.attachRecorder');

/**
 * What metrics record of a coordinator, called directly at each point the matching event is
 * emitted: plain arguments, so a recorded send, receipt or wait allocates no event object, no
 * closure and goes through no EventEmitter. Events stay for the application's listeners. A
 * recorder never throws (the observability layer's own code; its values are checked there).
 */
export interface CoordinatorRecorder {
  signalSent(type: string, isDuplicate: boolean): void;
  /** `latencyMs`: store-clock ms from the signal's send timestamp to its receipt (0 or more). */
  signalReceived(type: string, latencyMs: number): void;
  rejected(kind: 'signal' | 'ack', reason: string): void;
  forgedRecord(): void;
  heldLimit(held: 'pending' | 'handed_out'): void;
  ackSent(): void;
  heartbeat(): void;
  heartbeatFailed(error: unknown): void;
  waitEnded(kind: 'signal' | 'acks', durationMs: number, outcome: WaitOutcome, received: number): void;
}

/** Several recorders as one (a coordinator observed into two registries): the hot path calls one. */
class FanOut implements CoordinatorRecorder {
  readonly #all: readonly CoordinatorRecorder[];

  constructor(all: readonly CoordinatorRecorder[]) {
    this.#all = all;
  }

  signalSent(type: string, isDuplicate: boolean): void {
    for (const r of this.#all) r.signalSent(type, isDuplicate);
  }

  signalReceived(type: string, latencyMs: number): void {
    for (const r of this.#all) r.signalReceived(type, latencyMs);
  }

  rejected(kind: 'signal' | 'ack', reason: string): void {
    for (const r of this.#all) r.rejected(kind, reason);
  }

  forgedRecord(): void {
    for (const r of this.#all) r.forgedRecord();
  }

  heldLimit(held: 'pending' | 'handed_out'): void {
    for (const r of this.#all) r.heldLimit(held);
  }

  ackSent(): void {
    for (const r of this.#all) r.ackSent();
  }

  heartbeat(): void {
    for (const r of this.#all) r.heartbeat();
  }

  heartbeatFailed(error: unknown): void {
    for (const r of this.#all) r.heartbeatFailed(error);
  }

  waitEnded(kind: 'signal' | 'acks', durationMs: number, outcome: WaitOutcome, received: number): void {
    for (const r of this.#all) r.waitEnded(kind, durationMs, outcome, received);
  }
}

/** A coordinator's recorders, read by the hot path as one field: `current` is undefined while none is attached. */
export class RecorderSlot {
  current: CoordinatorRecorder | undefined;
  readonly #attached: CoordinatorRecorder[] = [];

  /** Attaches `recorder`; returns what detaches it (once). */
  attach(recorder: CoordinatorRecorder): () => void {
    this.#attached.push(recorder);
    this.#update();
    let attached = true;
    return () => {
      if (!attached) return;
      attached = false;
      this.#attached.splice(this.#attached.indexOf(recorder), 1);
      this.#update();
    };
  }

  #update(): void {
    const all = this.#attached;
    this.current = all.length === 0 ? undefined : all.length === 1 ? all[0] : new FanOut([...all]);
  }
}
