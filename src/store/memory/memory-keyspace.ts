import { StoreClosedError } from '../../protocol/errors.js';
import type { BlockingRead, StreamEntry } from '../port.js';
import { ExpiringMap } from './expiring-map.js';
import { MemoryStream } from './memory-stream.js';

const SWEEP_INTERVAL_MS = 1_000;

/**
 * The embedded store's data: strings, hashes, sorted sets and streams with expiry, and blocking
 * reads woken by appends. Its clock is the machine's. The operations (memory-store.ts,
 * memory-leases.ts) are each one synchronous step on it, so each is atomic.
 */
export class MemoryKeyspace {
  protected readonly strings = new ExpiringMap<string>(Date.now);
  protected readonly streams = new ExpiringMap<MemoryStream>(Date.now);
  protected readonly hashes = new ExpiringMap<Map<string, string>>(Date.now);
  protected readonly sortedSets = new ExpiringMap<Map<string, number>>(Date.now);
  protected readonly sets = new Map<string, Set<string>>();
  /** Blocked readers per stream key; kept outside the streams so expiry cannot strand them. */
  readonly #wakers = new Map<string, Set<() => void>>();
  readonly #sweeper: NodeJS.Timeout;
  #closed = false;

  constructor() {
    this.#sweeper = setInterval(() => {
      for (const map of [this.strings, this.streams, this.hashes, this.sortedSets]) map.sweep();
    }, SWEEP_INTERVAL_MS);
    this.#sweeper.unref();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#sweeper);
    for (const wakers of this.#wakers.values()) for (const wake of wakers) wake();
    this.#wakers.clear();
    for (const map of [this.strings, this.streams, this.hashes, this.sortedSets]) map.clear();
    this.sets.clear();
  }

  /** Throws StoreClosedError after close(). Every operation starts with it. */
  protected open(operation: string): void {
    if (this.#closed) throw new StoreClosedError(operation);
  }

  protected appendEntry(key: string, body: string, ttlMs: number): string {
    const stream = this.stream(key, ttlMs);
    this.streams.expire(key, ttlMs);
    const id = stream.append(body, Date.now());
    const wakers = this.#wakers.get(key);
    if (wakers) for (const wake of [...wakers]) wake();
    return id;
  }

  protected stream(key: string, ttlMs: number): MemoryStream {
    let stream = this.streams.get(key);
    if (!stream) {
      stream = new MemoryStream();
      this.streams.set(key, stream, ttlMs);
    }
    return stream;
  }

  /** The map stored at `key` in `space`, created (with ttlMs) when missing. */
  protected mapAt<V>(space: ExpiringMap<Map<string, V>>, key: string, ttlMs: number): Map<string, V> {
    let map = space.get(key);
    if (!map) {
      map = new Map();
      space.set(key, map, ttlMs);
    }
    return map;
  }

  /** Takes what `take` finds now, or waits for an append, the block time or an abort. */
  protected blockingRead(key: string, read: BlockingRead, take: () => StreamEntry[]): Promise<StreamEntry[]> {
    const now = take();
    if (now.length > 0 || read.signal?.aborted) return Promise.resolve(now);
    return new Promise((resolve) => {
      let wakers = this.#wakers.get(key);
      if (!wakers) this.#wakers.set(key, (wakers = new Set()));
      const finish = (result: () => StreamEntry[]) => {
        clearTimeout(timer);
        read.signal?.removeEventListener('abort', onAbort);
        wakers.delete(onAppend);
        if (wakers.size === 0 && this.#wakers.get(key) === wakers) this.#wakers.delete(key);
        resolve(this.#closed ? [] : result());
      };
      const onAppend = () => {
        const got = this.#closed ? [] : take();
        if (got.length > 0 || this.#closed) finish(() => got);
      };
      const onAbort = () => finish(() => []);
      const timer = setTimeout(() => finish(take), Math.max(1, read.blockMs));
      wakers.add(onAppend);
      read.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
