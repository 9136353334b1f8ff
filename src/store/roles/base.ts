import type { LostStateCounts } from '../lost-state.js';
import type { StoreBreaker } from '../store-breaker.js';

/** One store operation that settled, as `observeOperations` listeners get it. */
export interface StoreOperationEvent {
  /** The port operation's name (`appendSignal`, `readNew`, `beat`, ...): a fixed set. */
  operation: string;
  /** From the call to its settling, ms (monotonic clock). */
  durationMs: number;
  /** The error it failed with (typed: an `RDV_ERR_*` error for store failures); absent when it succeeded. */
  error?: unknown;
}

export type StoreOperationListener = (event: StoreOperationEvent) => void;

/** What every store role shares: which adapter it is, its circuit breaker, its clock, its connection, its end. */
export interface StoreBase {
  readonly kind: 'memory' | 'redis';

  /**
   * The circuit breaker every operation goes through: its state, its changes, reset(). Open while
   * the store does not answer (operations then fail at once with StoreCircuitOpenError); the
   * memory store's never opens.
   */
  readonly breaker: StoreBreaker;

  /** Signs of lost or tampered state seen so far (each also logged); always zero on the memory store. */
  readonly lostState: Readonly<LostStateCounts>;

  /** The store's clock, ms. */
  time(): Promise<number>;

  /** Calls `listener(false)` when the connection to the store drops and `listener(true)` when it is back. */
  onConnectionChange(listener: (connected: boolean) => void): () => void;

  /**
   * Calls `listener` as each store operation settles, with its duration and error; returns the
   * function that stops it. Operations are timed only while a listener is attached: without one
   * they run unwrapped. A listener that throws is ignored.
   */
  observeOperations(listener: StoreOperationListener): () => void;

  /** Closes connections and timers; later calls fail with StoreClosedError. Idempotent. */
  close(): Promise<void>;
}

/** A role's own operations, without the base: what one role part of an adapter implements. */
export type Operations<Role extends StoreBase> = Omit<Role, keyof StoreBase>;
