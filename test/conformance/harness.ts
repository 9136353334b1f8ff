import { Cluster, Redis } from 'ioredis';
import { createStore, type CreateStoreOptions } from '../../src/store/create-store.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import type { Store } from '../../src/store/port.js';
import { PUSH_RESYNC } from '../../src/store/push.js';
import { startRedis, startRedisCluster } from '../support/redis-server.js';

/** One adapter and topology under the conformance suite. */
export interface Harness {
  readonly name: 'memory' | 'redis' | 'cluster';
  setup(): Promise<void>;
  teardown(): Promise<void>;
  /** The store the suite's coordinators share. */
  store(): Store;
  /** A second, independent connection to the same data (a restarted process); the memory store has only one. */
  newStore(): Promise<Store>;
  /**
   * Appends a raw entry to a stream, bypassing every check: what `redis-cli XADD key * field body`
   * does; then, with `wake` (a push channel), what `redis-cli PUBLISH <wake> r` does, so a running
   * coordinator reads it now rather than at its next catch-up.
   */
  injectRaw(key: string, field: string, body: string, wake?: string): Promise<void>;
  /** Stores a string with no TTL, bypassing every operation: what `redis-cli SET key value` does. */
  setRaw(key: string, value: string): Promise<void>;
  /** How many entries a stream holds: `redis-cli XLEN key`. */
  streamLength(key: string): Promise<number>;
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
    async injectRaw(key, _field, body, wake) {
      store!.appendRawEntry(key, body);
      if (wake !== undefined) store!.publish(wake, PUSH_RESYNC);
    },
    async setRaw(key, value) {
      store!.setRawString(key, value);
    },
    streamLength: async (key) => store!.rawStream(key).length,
    childStoreSpec: () => undefined,
  };
}

/** What differs between a private Redis and a private Cluster: how to start it, reach it and stop it. */
interface Topology {
  /** Starts the servers; returns the createStore options that reach them, a raw client, and a stop. */
  start(): Promise<{ spec: CreateStoreOptions; raw: Redis | Cluster; stop(): Promise<void> }>;
}

function serverHarness(name: 'redis' | 'cluster', topology: Topology): Harness {
  let running: Awaited<ReturnType<Topology['start']>> | undefined;
  let store: Store | undefined;
  const extra: Store[] = [];
  return {
    name,
    async setup() {
      running = await topology.start();
      store = await createStore(running.spec);
    },
    async teardown() {
      await Promise.all([store, ...extra].map((s) => s?.close()));
      running?.raw.disconnect();
      await running?.stop();
    },
    store: () => store!,
    async newStore() {
      const s = await createStore(running!.spec);
      extra.push(s);
      return s;
    },
    async injectRaw(key, field, body, wake) {
      await running!.raw.xadd(key, '*', field, body);
      if (wake !== undefined) await running!.raw.publish(wake, PUSH_RESYNC);
    },
    async setRaw(key, value) {
      await running!.raw.set(key, value);
    },
    streamLength: (key) => running!.raw.xlen(key),
    childStoreSpec: () => JSON.stringify(running!.spec),
  };
}

export function redisHarness(): Harness {
  return serverHarness('redis', {
    async start() {
      const server = await startRedis();
      return { spec: { url: server.url }, raw: new Redis(server.port, server.host), stop: () => server.stop() };
    },
  });
}

export function clusterHarness(): Harness {
  return serverHarness('cluster', {
    async start() {
      const cluster = await startRedisCluster(3);
      return { spec: { cluster: cluster.nodes }, raw: new Cluster(cluster.nodes), stop: () => cluster.stop() };
    },
  });
}
