import { StoreClosedError } from '../../protocol/errors.js';
import type { BlockingRead, PushListener, StreamEntry, Subscription } from '../port.js';
import { deliverPush } from '../push.js';
import { ExpiringMap } from './expiring-map.js';
import { MemoryStream } from './memory-stream.js';

const SWEEP_INTERVAL_MS = 1_000;

const isEmpty = (collection: { size: number }): boolean => collection.size === 0;

/**
 * The embedded store's data, which its role parts share: strings, hashes, sorted sets and streams
 * with expiry, pub/sub, and blocking reads woken by appends. Its clock is the machine's. Each
 * operation of a part is one synchronous step on it, so each is atomic.
 */
export class MemoryKeyspace {
  readonly strings = new ExpiringMap<string>(Date.now);
  readonly streams = new ExpiringMap<MemoryStream>(Date.now);
  readonly hashes = new ExpiringMap<Map<string, string>>(Date.now, isEmpty);
  readonly sortedSets = new ExpiringMap<Map<string, number>>(Date.now, isEmpty);
  readonly sets = new ExpiringMap<Set<string>>(Date.now, isEmpty);
  /** Blocked readers per stream key; kept outside the streams so expiry cannot strand them. */
  readonly #wakers = new Map<string, Set<() => void>>();
  /** Pub/sub: listeners per channel. */
  readonly #channels = new Map<string, Set<PushListener>>();
  /** Pattern watchers: every published message reaches them. */
  readonly #watchers = new Set<(channel: string, message: string) => void>();
  readonly #sweeper: NodeJS.Timeout;
  #closed = false;

  constructor() {
    this.#sweeper = setInterval(() => {
      for (const space of this.spaces()) space.sweep();
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
    this.#watchers.clear();
    for (const space of this.spaces()) space.clear();
  }

  /**
   * Stores a string with no lifetime, bypassing every operation: the in-memory `redis-cli SET`,
   * for diagnostics and for tests of cleanup.
   */
  setRawString(key: string, value: string, ttlMs = Number.POSITIVE_INFINITY): void {
    this.open('setRawString');
    this.strings.set(key, value, ttlMs);
  }

  /** Stores a hash, replacing the key whatever its type, bypassing every operation: the in-memory `redis-cli DEL` then `HSET` (no lifetime unless ttlMs). */
  setRawHash(key: string, fields: Record<string, string>, ttlMs = Number.POSITIVE_INFINITY): void {
    this.open('setRawHash');
    this.deleteRaw(key);
    this.hashes.set(key, new Map(Object.entries(fields)), ttlMs);
  }

  /** Removes a key of any type, bypassing every operation: the in-memory `redis-cli DEL`. */
  deleteRaw(key: string): void {
    this.open('deleteRaw');
    for (const space of this.spaces()) space.delete(key);
  }

  /**
   * The in-memory `redis-cli PUBLISH`: a push message to a channel's listeners and the pattern
   * watchers, delivered as from a socket (not within the caller); returns how many of the
   * channel's own listeners were told (pattern watchers not counted, as PUBSUB NUMSUB counts).
   */
  publish(channel: string, message: string): number {
    this.open('publish');
    const listeners = [...(this.#channels.get(channel) ?? [])];
    const watchers = [...this.#watchers];
    if (listeners.length + watchers.length === 0) return 0;
    queueMicrotask(() => {
      for (const listener of listeners) {
        try {
          deliverPush(listener, message);
        } catch {
          // A listener's failure is its own (core listeners catch theirs); others still get the push.
        }
      }
      for (const watcher of watchers) {
        try {
          watcher(channel, message);
        } catch {
          // As above.
        }
      }
    });
    return listeners.length;
  }

  /** The in-memory `PSUBSCRIBE` of every channel: `watcher` hears each message published from now on. */
  watchChannels(watcher: (channel: string, message: string) => void): Subscription {
    this.#watchers.add(watcher);
    return { close: async () => void this.#watchers.delete(watcher) };
  }

  subscribeChannel(channel: string, listener: PushListener): Subscription {
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

  /** Every space of keys. */
  spaces(): ExpiringMap<unknown>[] {
    return [this.strings, this.streams, this.hashes, this.sortedSets, this.sets] as ExpiringMap<unknown>[];
  }

  /** Throws StoreClosedError after close(). Every operation starts with it. */
  open(operation: string): void {
    if (this.#closed) throw new StoreClosedError(operation);
  }

  appendEntry(key: string, body: string, ttlMs: number): string {
    const stream = this.stream(key, ttlMs);
    this.streams.expire(key, ttlMs);
    const id = stream.append(body, Date.now());
    const wakers = this.#wakers.get(key);
    if (wakers) for (const wake of [...wakers]) wake();
    return id;
  }

  stream(key: string, ttlMs: number): MemoryStream {
    let stream = this.streams.get(key);
    if (!stream) {
      stream = new MemoryStream();
      this.streams.set(key, stream, ttlMs);
    }
    return stream;
  }

  /** The collection stored at `key` in `space`, created (with ttlMs) when missing. */
  mapAt<C extends Map<string, unknown> | Set<string>>(space: ExpiringMap<C>, key: string, ttlMs: number, create: () => C = () => new Map() as C): C {
    let collection = space.get(key);
    if (!collection) {
      collection = create();
      space.set(key, collection, ttlMs);
    }
    return collection;
  }

  /** XREAD of one stream: entries after `afterId`, blocking up to read.blockMs when there are none. */
  readStreamAfter(key: string, afterId: string, read: BlockingRead): Promise<StreamEntry[]> {
    return this.#blockingRead(key, read, () => this.streams.get(key)?.readAfter(afterId, read.count) ?? []);
  }

  /** Takes what `take` finds now, or waits for an append, the block time or an abort. */
  #blockingRead(key: string, read: BlockingRead, take: () => StreamEntry[]): Promise<StreamEntry[]> {
    const now = take();
    if (now.length > 0 || read.signal?.aborted || read.blockMs <= 0) return Promise.resolve(now);
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
