import type { RedisClient } from './lua-script.js';

const MAX_IDLE = 8;

/**
 * Connections for blocking reads (a blocked connection can carry nothing else). A wait borrows
 * one and returns it; idle coordinators hold none. An aborted read destroys its connection,
 * which is the only way to end a blocked command on every topology.
 */
export class BlockingConnections {
  readonly #base: RedisClient;
  readonly #idle: RedisClient[] = [];
  readonly #busy = new Set<RedisClient>();
  #closed = false;

  constructor(base: RedisClient) {
    this.#base = base;
  }

  async use<T>(read: (connection: RedisClient) => Promise<T>, signal: AbortSignal | undefined, onAbort: T): Promise<T> {
    if (signal?.aborted) return onAbort;
    const connection = this.#idle.pop() ?? this.#base.duplicate();
    this.#busy.add(connection);
    let aborted = false;
    const abort = () => {
      aborted = true;
      connection.disconnect();
    };
    signal?.addEventListener('abort', abort, { once: true });
    try {
      return await read(connection);
    } catch (error) {
      if (aborted || this.#closed) return onAbort;
      aborted = true; // a failed connection is not reused
      throw error;
    } finally {
      signal?.removeEventListener('abort', abort);
      this.#busy.delete(connection);
      if (aborted || this.#closed || this.#idle.length >= MAX_IDLE) connection.disconnect();
      else this.#idle.push(connection);
    }
  }

  close(): void {
    this.#closed = true;
    for (const connection of [...this.#idle, ...this.#busy]) connection.disconnect();
    this.#idle.length = 0;
    this.#busy.clear();
  }
}
