import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startCoordinatorProcess } from '../support/child-process.js';
import { SECRET } from '../support/coordinators.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';

/** Behaviour 9: after shutdown() and store.close() the process exits on its own: no timer or socket left. */
describe('process exit', () => {
  let server: RedisServer;
  before(async () => (server = await startRedis()));
  after(() => server.stop());

  for (const kind of ['memory', 'redis'] as const) {
    test(`a process that used the ${kind} store exits by itself after shutdown and close`, async () => {
      const env: Record<string, string> = { COORD_ID: 'exiting', SWARM_ID: `exit-${kind}`, SECRET, MODE: 'round-trip-and-exit' };
      if (kind === 'redis') env.STORE_SPEC = JSON.stringify({ url: server.url });
      const child = startCoordinatorProcess(env);
      assert.deepEqual(await child.nextLine(), { acks: 1 });
      const watchdog = setTimeout(() => child.child.kill('SIGKILL'), 5_000);
      const { code, signal } = await child.exited;
      clearTimeout(watchdog);
      assert.deepEqual({ code, signal }, { code: 0, signal: null }, 'exited on its own, not killed by the watchdog');
    });
  }
});
