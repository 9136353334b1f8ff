import { ComposedStore } from '../compose.js';
import type { Store } from '../port.js';
import { noLostState } from '../lost-state.js';
import { StoreBreaker } from '../store-breaker.js';
import { MemoryBase } from './memory-base.js';
import { MemoryInbox } from './memory-inbox.js';
import { MemoryInboxView } from './memory-inbox-view.js';
import { MemoryKeyspace } from './memory-keyspace.js';
import { MemoryLeases } from './memory-leases.js';
import { MemoryLiveness } from './memory-liveness.js';
import { MemoryMaintenance } from './memory-maintenance.js';
import { MemorySupervision } from './memory-supervision.js';
import { MemoryWork } from './memory-work.js';

/**
 * The embedded in-process store: the same semantics as the Redis adapter, each operation one
 * synchronous step (so atomic), blocking reads woken by appends. Its clock is the machine's. One
 * part per role, all on one keyspace. Its circuit breaker never opens: nothing here can be unreachable.
 */
export class MemoryStore extends ComposedStore implements Store {
  readonly kind = 'memory' as const;
  readonly breaker = new StoreBreaker({ config: false, probe: async () => undefined });
  /** Nothing outside this process writes the embedded store: nothing to count. */
  readonly lostState = Object.freeze(noLostState());
  readonly #keyspace: MemoryKeyspace;

  constructor() {
    const keyspace = new MemoryKeyspace();
    super(
      new MemoryBase(keyspace),
      new MemoryInbox(keyspace),
      new MemoryLiveness(keyspace),
      new MemoryWork(keyspace),
      new MemoryLeases(keyspace),
      new MemorySupervision(keyspace),
      new MemoryMaintenance(keyspace),
      new MemoryInboxView(keyspace),
    );
    this.#keyspace = keyspace;
  }

  /**
   * Appends a raw entry to any stream key, bypassing every check: the in-memory equivalent of
   * `redis-cli XADD`, for diagnostics and for tests that forge or tamper with messages.
   */
  appendRawEntry(key: string, body: string, ttlMs = 3_600_000): string {
    this.#keyspace.open('appendRawEntry');
    return this.#keyspace.appendEntry(key, body, ttlMs);
  }

  /** The bodies of a stream's entries, oldest first: the in-memory `XRANGE key - +`. */
  rawStream(key: string): string[] {
    this.#keyspace.open('rawStream');
    return (this.#keyspace.streams.get(key)?.readAfter('0-0', Number.MAX_SAFE_INTEGER) ?? []).map((e) => e.body ?? '');
  }

  /**
   * Stores a string with no lifetime, bypassing every operation: the in-memory `redis-cli SET`,
   * for diagnostics and for tests of cleanup.
   */
  setRawString(key: string, value: string, ttlMs = Number.POSITIVE_INFINITY): void {
    this.#keyspace.setRawString(key, value, ttlMs);
  }

  /** Stores a hash with no lifetime (unless ttlMs), replacing the key, bypassing every operation: the in-memory `redis-cli HSET`, for tests that forge records. */
  setRawHash(key: string, fields: Record<string, string>, ttlMs = Number.POSITIVE_INFINITY): void {
    this.#keyspace.setRawHash(key, fields, ttlMs);
  }

  /** The fields of a hash ({} when there is none): the in-memory `redis-cli HGETALL`. */
  rawHash(key: string): Record<string, string> {
    this.#keyspace.open('rawHash');
    return Object.fromEntries(this.#keyspace.hashes.get(key) ?? []);
  }

  /** Removes a key of any type, bypassing every operation: the in-memory `redis-cli DEL`. */
  deleteRaw(key: string): void {
    this.#keyspace.deleteRaw(key);
  }

  /** The in-memory `redis-cli PUBLISH`: a push message to a channel's listeners, delivered as from a socket (not within the caller). */
  publish(channel: string, message: string): void {
    this.#keyspace.publish(channel, message);
  }
}
