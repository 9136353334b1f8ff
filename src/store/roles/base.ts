import type { LostStateCounts } from '../lost-state.js';
import type { StoreBreaker } from '../store-breaker.js';

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

  /** Closes connections and timers; later calls fail with StoreClosedError. Idempotent. */
  close(): Promise<void>;
}

/** A role's own operations, without the base: what one role part of an adapter implements. */
export type Operations<Role extends StoreBase> = Omit<Role, keyof StoreBase>;
