import { Cluster, Redis } from 'ioredis';
import { createStore } from '../../src/store/create-store.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import type { Store } from '../../src/store/port.js';
import { startRedis, startRedisCluster, type RedisCluster, type RedisServer } from '../support/redis-server.js';

/** One adapter and topology under the conformance suite. */
export interface Harness {
  readonly name: 'memory' | 'redis' | 'cluster';
  setup(): Promise<void>;
  teardown(): Promise<void>;
  /** The store the suite's coordinators share. */
  store(): Store;
  /** A second, independent connection to the same data (a restarted process); the memory store has only one. */
  newStore(): Promise<Store>;
  /** Appends a raw entry to a stream, bypassing every check: what `redis-cli XADD key * field body` does. */
  injectRaw(key: string, field: string, body: string): Promise<void>;
  /** Stores a string with no TTL, bypassing every operation: what `redis-cli SET key value` does. */
  setRaw(key: string, value: string): Promise<void>;
  /** How a child process reaches the same store (JSON for test/fixtures), or undefined for memory. */
  childStoreSpec(): string | undefined;
}

export function memoryHarness(): Harness {
  let store: MemoryStore | undefined;
  return {
    name: 'memory',
    async setup() {
      store = new MemoryStore();
    },
    async teardown() {
      await store?.close();
    },
    store: () => store!,
    newStore: async () => store!,
    async injectRaw(key, _field, body) {
      store!.appendRawEntry(key, body);
    },
    async setRaw(key, value) {
      store!.setRawString(key, value);
    },
    childStoreSpec: () => undefined,
  };
}

export function redisHarness(): Harness {
  let server: RedisServer | undefined;
  let store: Store | undefined;
  let raw: Redis | undefined;
  const extra: Store[] = [];
  return {
    name: 'redis',
    async setup() {
      server = await startRedis();
      store = await createStore({ url: server.url });
      raw = new Redis(server.port, server.host);
    },
    async teardown() {
      await Promise.all([store, ...extra].map((s) => s?.close()));
      raw?.disconnect();
      await server?.stop();
    },
    store: () => store!,
    async newStore() {
      const s = await createStore({ url: server!.url });
      extra.push(s);
      return s;
    },
    async injectRaw(key, field, body) {
      await raw!.xadd(key, '*', field, body);
    },
    async setRaw(key, value) {
      await raw!.set(key, value);
    },
    childStoreSpec: () => JSON.stringify({ url: server!.url }),
  };
}

export function clusterHarness(): Harness {
  let cluster: RedisCluster | undefined;
  let store: Store | undefined;
  let raw: Cluster | undefined;
  const extra: Store[] = [];
  return {
    name: 'cluster',
    async setup() {
      cluster = await startRedisCluster(3);
      store = await createStore({ cluster: cluster.nodes });
      raw = new Cluster(cluster.nodes);
    },
    async teardown() {
      await Promise.all([store, ...extra].map((s) => s?.close()));
      raw?.disconnect();
      await cluster?.stop();
    },
    store: () => store!,
    async newStore() {
      const s = await createStore({ cluster: cluster!.nodes });
      extra.push(s);
      return s;
    },
    async injectRaw(key, field, body) {
      await raw!.xadd(key, '*', field, body);
    },
    async setRaw(key, value) {
      await raw!.set(key, value);
    },
    childStoreSpec: () => JSON.stringify({ cluster: cluster!.nodes }),
  };
}
