// Imported, not the global: Node's global `performance` is an accessor, read through a slower inline cache at every call.
import { performance } from 'node:perf_hooks';
import type { StoreOperationEvent, StoreOperationListener } from './roles/base.js';

/**
 * The key of a store's method that attaches an operation recorder: a registered symbol, so the
 * observability layer reaches it without importing store/, and it stays off the public surface.
 */
export const RECORD_OPERATIONS = Symbol.for('rendezvous.store.recordOperations');

/** Takes one operation's settlings: its duration (ms, monotonic) and its error (undefined when it succeeded). Never throws. */
export interface OperationRecorder {
  settled(durationMs: number, error: unknown): void;
}

/** Makes the recorder of one operation, by its name: called once per operation while attached. */
export type OperationRecorders = (operation: string) => OperationRecorder;

type Method = (...args: unknown[]) => unknown;

/**
 * One operation's timing, shared by every call of it: each settling is handed to the recorders
 * directly (plain values) and, only while observeOperations listeners are attached, to them as an
 * event. So a store observed by metrics alone allocates no event object per operation.
 */
export class OperationTimer {
  readonly #operation: string;
  readonly #listeners: ReadonlySet<StoreOperationListener>;
  #recorders: readonly OperationRecorder[] = [];

  constructor(operation: string, listeners: ReadonlySet<StoreOperationListener>) {
    this.#operation = operation;
    this.#listeners = listeners;
  }

  set recorders(recorders: readonly OperationRecorder[]) {
    this.#recorders = recorders;
  }

  settled(started: number, error: unknown): void {
    const durationMs = performance.now() - started;
    for (const recorder of this.#recorders) recorder.settled(durationMs, error);
    if (this.#listeners.size === 0) return;
    const operation = this.#operation;
    const event: StoreOperationEvent = error === undefined ? { operation, durationMs } : { operation, durationMs, error };
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A metrics listener's failure never fails the operation it observed.
      }
    }
  }

  /**
   * `method`, timed. The caller gets the operation's own promise back, not one chained on it: the
   * timing is a side reaction on it (run as it settles, before the caller's own), so observing
   * adds no promise hop to the caller's path and no rejection handling of its own to the promise.
   */
  wrap(method: Method): Method {
    return (...args) => {
      const started = performance.now();
      let result: unknown;
      try {
        result = method(...args);
      } catch (error) {
        this.settled(started, error);
        throw error;
      }
      // Async generators (scanKeys) and plain values are timed to the call's return.
      if (!(result instanceof Promise)) this.settled(started, undefined);
      else {
        result.then(
          () => this.settled(started, undefined),
          (error: unknown) => this.settled(started, error),
        );
      }
      return result;
    };
  }
}
