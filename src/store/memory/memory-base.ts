import type { StoreBase } from '../roles/base.js';
import type { MemoryKeyspace } from './memory-keyspace.js';

/** The base every role shares, on the embedded store: the machine's clock, and close. */
export class MemoryBase implements Omit<StoreBase, 'kind' | 'breaker' | 'lostState' | 'observeOperations'> {
  readonly #space: MemoryKeyspace;

  constructor(keyspace: MemoryKeyspace) {
    this.#space = keyspace;
  }

  async time(): Promise<number> {
    this.#space.open('time');
    return Date.now();
  }

  /** Connection changes never happen in-process. */
  onConnectionChange(_listener: (connected: boolean) => void): () => void {
    return () => undefined;
  }

  close(): Promise<void> {
    return this.#space.close();
  }
}
