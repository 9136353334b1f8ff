import assert from 'node:assert/strict';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { createStore } from '../../src/store/create-store.js';
import type { Store } from '../../src/store/port.js';
import { GlobalCoordinator } from '../../src/supervision/global-coordinator.js';
import type { LeaderChangedEvent } from '../../src/supervision/election/types.js';
import { SECRET } from '../support/coordinators.js';
import { recordingLogger } from '../support/recording-logger.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';

const LEASE_MS = 400;

let server: RedisServer;
const stores: Store[] = [];
before(async () => {
  server = await startRedis();
});
after(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await server.stop();
});

/** Guarantee 8: a store unreachable for twice the lease makes every worker step down; when it is back, exactly one leads. */
test('every worker steps down while Redis is frozen for twice the lease, and exactly one leads once it is back', { timeout: 30_000 }, async () => {
  const workers: GlobalCoordinator[] = [];
  for (let i = 0; i < 3; i++) {
    const store = await createStore({ url: server.url, logger: recordingLogger() });
    stores.push(store);
    workers.push(new GlobalCoordinator({ secret: SECRET, store, namespace: 'outage', leaseTimeoutMs: LEASE_MS, heartbeatIntervalMs: 100, workerTimeoutMs: 1_000, logger: recordingLogger() }));
  }
  await Promise.all(workers.map((gc) => gc.start()));
  const leader = workers.find((gc) => gc.isLeader())!;
  assert.ok(leader);

  const steppedDown = once(leader, 'leader:changed');
  const frozenAt = performance.now();
  server.process.kill('SIGSTOP'); // unreachable: connections stay open, nothing answers
  const [event] = (await steppedDown) as [LeaderChangedEvent];
  assert.equal(event.newLeader, null);
  assert.ok(performance.now() - frozenAt <= LEASE_MS, 'the leader stepped down within its lease, on its own clock');
  await sleep(2 * LEASE_MS - (performance.now() - frozenAt)); // the outage lasts twice the lease
  assert.deepEqual(workers.map((gc) => gc.isLeader()), [false, false, false]);

  const elected = Promise.race(workers.map((gc) => once(gc, 'leader:changed')));
  server.process.kill('SIGCONT');
  await elected;
  for (let i = 0; i < 3; i++) await Promise.race(workers.map((gc) => once(gc, 'lease:renewed'))); // the new term holds
  assert.equal(workers.filter((gc) => gc.isLeader()).length, 1);
  const epochs = new Set(workers.map((gc) => gc.getEpoch()));
  assert.equal(epochs.size, 1, 'all agree on the term');
  assert.ok([...epochs][0]! >= 2);
  await Promise.all(workers.map((gc) => gc.stop()));
});

/** Guarantee 2: when the store connection drops, the leader steps down at once, not at the end of its lease. */
test('the leader steps down the moment its store connection drops', { timeout: 30_000 }, async () => {
  const store = await createStore({ url: server.url, logger: recordingLogger() });
  stores.push(store);
  const gc = new GlobalCoordinator({ secret: SECRET, store, namespace: 'dropped', leaseTimeoutMs: 3_000, heartbeatIntervalMs: 100, workerTimeoutMs: 5_000, logger: recordingLogger() });
  await gc.start();
  assert.ok(gc.isLeader());
  const steppedDown = once(gc, 'leader:changed');
  const killedAt = performance.now();
  server.process.kill('SIGKILL'); // the socket closes: no lease renewal has failed yet
  await steppedDown;
  const elapsed = performance.now() - killedAt;
  assert.ok(!gc.isLeader());
  assert.ok(elapsed < 1_000, `stepped down after ${elapsed.toFixed(0)} ms, well inside its 3 s lease`);
  await gc.stop();
});
