import { after, before } from 'node:test';
import { Redis } from 'ioredis';
import { createStore } from '../../src/store/create-store.js';
import type { Store } from '../../src/store/port.js';
import { startRedis, type RedisServer } from './redis-server.js';

export interface PrivateRedis {
  server: RedisServer;
  /** A Rendezvous store on it. */
  store: Store;
  /** A plain client for inspecting it (INFO, CLIENT LIST, raw writes). */
  admin: Redis;
}

/** Starts a private redis-server, a store and an admin client before the file's tests; stops them after. */
export function usePrivateRedis(): PrivateRedis {
  const running = {} as PrivateRedis;
  before(async () => {
    running.server = await startRedis();
    running.store = await createStore({ url: running.server.url });
    running.admin = new Redis(running.server.port, running.server.host);
  });
  after(async () => {
    await running.store.close();
    running.admin.disconnect();
    await running.server.stop();
  });
  return running;
}
