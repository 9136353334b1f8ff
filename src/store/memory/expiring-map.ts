/** A map whose values expire, read lazily and swept by an unref'd timer (it never holds the process open). */
export class ExpiringMap<V> {
  readonly #items = new Map<string, { value: V; expiresAt: number }>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  get(key: string): V | undefined {
    const item = this.#items.get(key);
    if (!item) return undefined;
    if (item.expiresAt <= this.#now()) {
      this.#items.delete(key);
      return undefined;
    }
    return item.value;
  }

  /** ttlMs Infinity: a key without a lifetime (as a key Redis holds with no TTL). */
  set(key: string, value: V, ttlMs: number): void {
    this.#items.set(key, { value, expiresAt: this.#now() + ttlMs });
  }

  /** Sets a new lifetime for an existing key; false when it does not exist. */
  expire(key: string, ttlMs: number): boolean {
    const item = this.#items.get(key);
    if (!item || item.expiresAt <= this.#now()) return false;
    item.expiresAt = this.#now() + ttlMs;
    return true;
  }

  /** Remaining lifetime, ms (Infinity for none); undefined when missing or expired. */
  ttl(key: string): number | undefined {
    const item = this.#items.get(key);
    if (!item) return undefined;
    const left = item.expiresAt - this.#now();
    return left > 0 ? left : undefined;
  }

  /** Live keys. */
  *keys(): IterableIterator<string> {
    const now = this.#now();
    for (const [key, item] of this.#items) if (item.expiresAt > now) yield key;
  }

  delete(key: string): void {
    this.#items.delete(key);
  }

  sweep(): void {
    const now = this.#now();
    for (const [key, item] of this.#items) if (item.expiresAt <= now) this.#items.delete(key);
  }

  clear(): void {
    this.#items.clear();
  }
}
