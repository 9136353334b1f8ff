interface Item<V> {
  value: V;
  expiresAt: number;
}

/**
 * A map whose values expire, read lazily and swept by an unref'd timer (it never holds the process
 * open). For collections, `isEmpty` makes an emptied one absent, as Redis deletes a hash, set or
 * sorted set with its last member: it has no TTL, is not scanned and is not counted as deleted.
 */
export class ExpiringMap<V> {
  readonly #items = new Map<string, Item<V>>();
  readonly #now: () => number;
  readonly #isEmpty: (value: V) => boolean;

  constructor(now: () => number, isEmpty: (value: V) => boolean = () => false) {
    this.#now = now;
    this.#isEmpty = isEmpty;
  }

  /** The live item at `key`; an expired or emptied one is dropped. */
  #live(key: string, now = this.#now()): Item<V> | undefined {
    const item = this.#items.get(key);
    if (!item) return undefined;
    if (item.expiresAt > now && !this.#isEmpty(item.value)) return item;
    this.#items.delete(key);
    return undefined;
  }

  get(key: string): V | undefined {
    return this.#live(key)?.value;
  }

  /** ttlMs Infinity: a key without a lifetime (as a key Redis holds with no TTL). */
  set(key: string, value: V, ttlMs: number): void {
    this.#items.set(key, { value, expiresAt: this.#now() + ttlMs });
  }

  /** A new value for an existing key, keeping its lifetime (Redis' KEEPTTL, or INCR); false when it does not exist. */
  replace(key: string, value: V): boolean {
    const item = this.#live(key);
    if (!item) return false;
    item.value = value;
    return true;
  }

  /** Sets a new lifetime for an existing key; false when it does not exist. */
  expire(key: string, ttlMs: number): boolean {
    const item = this.#live(key);
    if (!item) return false;
    item.expiresAt = this.#now() + ttlMs;
    return true;
  }

  /** Remaining lifetime, ms (Infinity for none); undefined when missing or expired. */
  ttl(key: string): number | undefined {
    const now = this.#now();
    const item = this.#live(key, now);
    return item ? item.expiresAt - now : undefined;
  }

  /** Live keys. */
  *keys(): IterableIterator<string> {
    const now = this.#now();
    for (const [key, item] of this.#items) if (item.expiresAt > now && !this.#isEmpty(item.value)) yield key;
  }

  delete(key: string): void {
    this.#items.delete(key);
  }

  sweep(): void {
    const now = this.#now();
    for (const key of [...this.#items.keys()]) this.#live(key, now);
  }

  clear(): void {
    this.#items.clear();
  }
}
