import { StoreClosedError } from '../../protocol/errors.js';
import type { BlockingRead, PushListener, StreamEntry, Subscription } from '../port.js';
import { deliverPush } from '../push.js';
import { ExpiringMap } from './expiring-map.js';
import { MemoryStream } from './memory-stream.js';

const SWEEP_INTERVAL_MS = 1_000;

/** A Redis glob (`*`, `?`, `[...]`, backslash escapes) as a regular expression. */
function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else if (char === '\\' && i + 1 < pattern.length) source += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (char === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) source += '\\[';
      else {
        source += `[${pattern.slice(i + 1, end)}]`;
        i = end;
      }
    } else source += char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

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
  /** Pub/sub: listeners per channel. */
  readonly #channels = new Map<string, Set<PushListener>>();
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
    this.#channels.clear();
    for (const map of [this.strings, this.streams, this.hashes, this.sortedSets]) map.clear();
    this.sets.clear();
  }

  async *scanKeys(pattern: string, batchSize: number): AsyncIterable<string[]> {
    this.open('scanKeys');
    const match = globToRegExp(pattern);
    const all = [...this.#spaces().flatMap((space) => [...space.keys()]), ...this.sets.keys()].filter((key) => match.test(key));
    for (let i = 0; i < all.length; i += batchSize) yield all.slice(i, i + batchSize);
  }

  async readStrings(keys: readonly string[]): Promise<(string | null)[]> {
    this.open('readStrings');
    return keys.map((key) => this.strings.get(key) ?? null);
  }

  async keyTtls(keys: readonly string[]): Promise<number[]> {
    this.open('keyTtls');
    return keys.map((key) => {
      if (this.sets.has(key)) return -1;
      for (const space of this.#spaces()) {
        const ttl = space.ttl(key);
        if (ttl !== undefined) return ttl === Number.POSITIVE_INFINITY ? -1 : Math.ceil(ttl);
      }
      return -2;
    });
  }

  async deleteKeys(keys: readonly string[]): Promise<number> {
    this.open('deleteKeys');
    let deleted = 0;
    for (const key of keys) {
      const existed = this.#spaces().some((space) => space.ttl(key) !== undefined) || this.sets.has(key);
      for (const space of this.#spaces()) space.delete(key);
      this.sets.delete(key);
      if (existed) deleted += 1;
    }
    return deleted;
  }

  async expireKeysWithoutTtl(keys: readonly string[], ttlMs: number): Promise<number> {
    this.open('expireKeysWithoutTtl');
    let changed = 0;
    for (const key of keys) {
      for (const space of this.#spaces()) {
        if (space.ttl(key) === Number.POSITIVE_INFINITY && space.expire(key, ttlMs)) changed += 1;
      }
    }
    return changed;
  }

  /**
   * Stores a string with no lifetime, bypassing every operation: the in-memory `redis-cli SET`,
   * for diagnostics and for tests of cleanup.
   */
  setRawString(key: string, value: string, ttlMs = Number.POSITIVE_INFINITY): void {
    this.open('setRawString');
    this.strings.set(key, value, ttlMs);
  }

  /** The in-memory `redis-cli PUBLISH`: a push message to a channel's listeners, delivered as from a socket (not within the caller). */
  publish(channel: string, message: string): void {
    this.open('publish');
    const listeners = this.#channels.get(channel);
    if (!listeners || listeners.size === 0) return;
    queueMicrotask(() => {
      for (const listener of [...listeners]) {
        try {
          deliverPush(listener, message);
        } catch {
          // A listener's failure is its own (core listeners catch theirs); others still get the push.
        }
      }
    });
  }

  protected subscribeChannel(channel: string, listener: PushListener): Subscription {
    let listeners = this.#channels.get(channel);
    if (!listeners) this.#channels.set(channel, (listeners = new Set()));
    listeners.add(listener);
    return {
      close: async () => {
        listeners.delete(listener);
        if (listeners.size === 0 && this.#channels.get(channel) === listeners) this.#channels.delete(channel);
      },
    };
  }

  #spaces(): ExpiringMap<unknown>[] {
    return [this.strings, this.streams, this.hashes, this.sortedSets] as ExpiringMap<unknown>[];
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

  /** XREAD of one stream: entries after `afterId`, blocking up to read.blockMs when there are none. */
  protected readStreamAfter(key: string, afterId: string, read: BlockingRead): Promise<StreamEntry[]> {
    return this.blockingRead(key, read, () => this.streams.get(key)?.readAfter(afterId, read.count) ?? []);
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
