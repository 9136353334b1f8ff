import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { globalKeys, keys } from '../../src/protocol/keys.js';
import { createStore } from '../../src/store/create-store.js';
import type { Store } from '../../src/store/port.js';
import type { CoordinatorEscalatedEvent } from '../../src/supervision/supervisor/events.js';
import { GlobalCoordinator } from '../../src/supervision/global-coordinator.js';
import { CoordinatorTimeoutHandler } from '../../src/supervision/timeout-handler.js';
import { agentProcesses } from '../support/agent-processes.js';
import { Coordinators, SECRET } from '../support/coordinators.js';
import { recordingLogger } from '../support/recording-logger.js';
import { until } from '../support/until.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';

const SWARM = 'wiped-swarm';

let server: RedisServer;
let store: Store;
let admin: Redis;
before(async () => {
  server = await startRedis();
  store = await createStore({ url: server.url, logger: recordingLogger() });
});
after(async () => {
  admin?.disconnect();
  await store.close();
  await server.stop();
});

const startAgent = agentProcesses(() => server.url, SWARM, 'silent');

/**
 * Issue 11, part 3: Redis restarts without persistence (every key gone, the swarm set included)
 * while the supervisor leads. The agents' next heartbeats list their swarm again, so an agent
 * SIGKILLed afterwards is still warned and escalated.
 */
test('after a Redis restart that lost every key, a coordinator that dies afterwards is still escalated', { timeout: 60_000 }, async () => {
  const victim = await startAgent('wiped-victim');
  const handler = new CoordinatorTimeoutHandler({
    store,
    deadThresholdMs: 600,
    checkIntervalMs: 100,
    maxWarnings: 2,
    namespace: 'wipe-supervisor',
    election: { secret: SECRET, leaseTimeoutMs: 900, heartbeatIntervalMs: 100, workerTimeoutMs: 2_000 },
    logger: recordingLogger(),
    env: {},
  });
  await handler.start();

  await restartEmpty(); // no persistence: the restarted server starts empty
  admin = new Redis(server.port, server.host);
  assert.equal(await admin.exists(keys.work(SWARM, 'wiped-victim')), 0, 'the restart lost the data: the work item the agent wrote at start is gone');
  await until('the agent lists its swarm again', async () => (await admin.sismember(keys.swarms(), SWARM)) === 1);

  const escalated = new Promise<CoordinatorEscalatedEvent>((resolve) => {
    handler.on('coordinator:escalated', (event) => {
      if (event.coordinatorId === 'wiped-victim') resolve(event);
    });
  });
  victim.kill('SIGKILL');
  await once(victim, 'exit');
  const event = await escalated;
  assert.equal(event.swarmId, SWARM);
  assert.match(event.replacementId, /^wiped-victim-r[0-9a-f]{6}$/);
  await handler.stop();
});

/** Restarts the private Redis on its port, empty (no persistence). */
async function restartEmpty(): Promise<void> {
  const port = server.port;
  await server.stop();
  server = await startRedis({ port });
}

test('after an empty restart the epochs keep rising above what the workers saw; a worker that finds a lower term follows it and says so', { timeout: 30_000 }, async () => {
  const logger = recordingLogger();
  const options = { store, secret: SECRET, namespace: 'wipe-epoch', leaseTimeoutMs: 900, heartbeatIntervalMs: 100, workerTimeoutMs: 2_000 };
  const seen = new GlobalCoordinator({ ...options, logger });
  await seen.start();
  await seen.stop();
  await seen.start();
  assert.equal(seen.getEpoch(), 2);
  const reelected = new Promise<number>((resolve) => {
    seen.on('leader:changed', (event) => {
      if (event.newLeader === seen.workerId && event.epoch > 2) resolve(event.epoch);
    });
  });
  await restartEmpty();
  assert.equal(await reelected, 3, 'above the highest epoch seen, not 1: fencing tokens that survived elsewhere never outrank the new term');
  await seen.stop();

  // The counter lost while no worker that saw it runs: the next term starts again at 1 ...
  const raw = new Redis(server.port, server.host);
  await raw.del(globalKeys.epoch('wipe-epoch'));
  raw.disconnect();
  const fresh = new GlobalCoordinator({ ...options, logger: recordingLogger() });
  await fresh.start();
  assert.equal(fresh.getEpoch(), 1);
  // ... and the worker that saw 3 follows the store's term, and says the epoch went back.
  const followed = new Promise<void>((resolve) => {
    seen.on('leader:changed', (event) => {
      if (event.newLeader === fresh.workerId) resolve();
    });
  });
  await seen.start();
  await followed;
  assert.equal(seen.getEpoch(), 1, 'the term in the store, not the highest ever seen');
  assert.equal(seen.getMetrics().epochRegressions, 1);
  assert.ok(logger.records.some((r) => r.level === 'warn' && /epoch went back from 3 to 1/.test(r.msg ?? '')));
  await Promise.all([seen.stop(), fresh.stop()]);
});

test("a running coordinator's inbox lost with Redis's data is reported once, and it receives again after the next send", { timeout: 30_000 }, async () => {
  const storeLogger = recordingLogger();
  const own = await createStore({ url: server.url, logger: storeLogger });
  const c = new Coordinators(() => own, SWARM);
  try {
    const [sender, receiver] = [await c.start('lost-sender'), await c.start('lost-receiver')];
    await restartEmpty();
    await until('the lost inbox is reported', async () => storeLogger.records.some((r) => r.level === 'info' && /inbox of lost-receiver is gone from Redis/.test(r.msg ?? '')));
    assert.equal(storeLogger.records.filter((r) => /inbox of lost-receiver/.test(r.msg ?? '')).length, 1, 'once');
    assert.equal(own.lostState.inboxesGone, storeLogger.records.filter((r) => /is gone from Redis/.test(r.msg ?? '')).length, 'each one logged is counted');
    assert.ok(own.lostState.inboxesGone >= 1);
    await until('the sender can send again', async () => (await sender.sendSignal('lost-receiver', 'wake'), true));
    const signal = await receiver.blockUntilSignal({ types: 'wake', timeoutMs: 5_000 });
    assert.equal(signal.senderId, 'lost-sender');
  } finally {
    await c.shutdownAll();
    await own.close();
  }
});
