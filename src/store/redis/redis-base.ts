import type { StoreBase } from '../roles/base.js';
import type { RedisContext } from './redis-context.js';

/** The base every role shares, on Redis: the server's clock, the client's connection events, close. */
export class RedisBase implements Omit<StoreBase, 'kind' | 'breaker' | 'lostState' | 'observeOperations'> {
  readonly #redis: RedisContext;

  constructor(redis: RedisContext) {
    this.#redis = redis;
  }

  time(): Promise<number> {
    return this.#redis.call('time', async () => {
      const [seconds, micros] = await this.#redis.client.time();
      return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    });
  }

  onConnectionChange(listener: (connected: boolean) => void): () => void {
    return this.#redis.onConnectionChange(listener);
  }

  close(): Promise<void> {
    return this.#redis.close();
  }
}
