import type { Cluster, Redis } from 'ioredis';
import type { MemoryStore } from '../../src/store/memory/memory-store.js';

/**
 * What someone with write access to the store and no signing secret can do to its keys (an
 * attacker, or a hand with redis-cli): on Redis a raw client, on the memory store its raw helpers.
 * No lifetime is given unless `ttlMs`: what a hand-written key has.
 */
export interface RawAccess {
  /** `DEL key` then `HSET key ...fields` (and `PEXPIRE` with ttlMs). */
  writeHash(key: string, fields: Record<string, string>, ttlMs?: number): Promise<void>;
  /** `SET key value`. */
  set(key: string, value: string): Promise<void>;
  /** `DEL key`. */
  del(key: string): Promise<void>;
  /** `XADD key * event <body>` for each body, in order (pipelined on Redis). */
  xadd(key: string, bodies: readonly string[]): Promise<void>;
  /** `HGETALL key` ({} when absent). */
  hgetall(key: string): Promise<Record<string, string>>;
  /** `GET key`. */
  get(key: string): Promise<string | null>;
  /** The bodies of a stream's entries (their field `entry`, as fenced writes append them), oldest first. */
  streamBodies(key: string): Promise<string[]>;
}

export function redisAccess(client: Redis | Cluster): RawAccess {
  return {
    async writeHash(key, fields, ttlMs) {
      await client.del(key);
      await client.hset(key, fields);
      if (ttlMs !== undefined) await client.pexpire(key, ttlMs);
    },
    set: async (key, value) => void (await client.set(key, value)),
    del: async (key) => void (await client.del(key)),
    async xadd(key, bodies) {
      const pipeline = client.pipeline();
      for (const body of bodies) pipeline.xadd(key, '*', 'event', body);
      const replies = (await pipeline.exec()) ?? [];
      const failed = replies.find(([error]) => error);
      if (failed) throw failed[0];
    },
    hgetall: (key) => client.hgetall(key),
    get: (key) => client.get(key),
    streamBodies: async (key) => (await client.xrange(key, '-', '+')).map(([, fields]) => fields[fields.indexOf('entry') + 1] ?? ''),
  };
}

export function memoryAccess(store: MemoryStore): RawAccess {
  return {
    writeHash: async (key, fields, ttlMs) => store.setRawHash(key, fields, ttlMs),
    set: async (key, value) => store.setRawString(key, value),
    del: async (key) => store.deleteRaw(key),
    async xadd(key, bodies) {
      for (const body of bodies) store.appendRawEntry(key, body);
    },
    hgetall: async (key) => store.rawHash(key),
    get: async (key) => (await store.readStrings([key]))[0] ?? null,
    streamBodies: async (key) => store.rawStream(key),
  };
}
