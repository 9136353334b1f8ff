/**
 * The supervisor watches an `agent run` process as any coordinator: alive while it runs, silent
 * and warned after a SIGKILL; deregistered (heartbeat removed) after a SIGTERM.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { createStore } from '../../src/store/create-store.js';
import { CoordinatorTimeoutHandler } from '../../src/supervision/timeout-handler.js';
import type { CoordinatorWarningEvent } from '../../src/index.js';
import { SECRET } from '../support/coordinators.js';
import { recordingLogger } from '../support/recording-logger.js';
import { startRedis } from '../support/redis-server.js';
import { agentEnv, startAgent } from './agent-support.js';

test('the supervisor sees an agent alive while it runs and dead after SIGKILL; SIGTERM deregisters it', { timeout: 30_000 }, async () => {
  const redis = await startRedis();
  const store = await createStore({ url: redis.url, breaker: false });
  const client = new Redis(redis.url);
  const handler = new CoordinatorTimeoutHandler({
    store,
    deadThresholdMs: 1_000, // twenty heartbeat intervals: a loaded machine does not make a running agent look silent
    checkIntervalMs: 50,
    maxWarnings: 1_000,
    namespace: 'cli-agent-sv',
    election: { secret: SECRET, leaseTimeoutMs: 600, heartbeatIntervalMs: 100, workerTimeoutMs: 1_000 },
    logger: recordingLogger(),
    env: {},
  });
  const env = agentEnv(redis.url);
  const watched = await startAgent('cli-watched', 'sv-swarm', env, ['--phase', 'validating', '--iteration', '3']);
  const stopped = await startAgent('cli-stopped', 'sv-swarm', env);
  const warned: CoordinatorWarningEvent[] = [];
  handler.on('coordinator:warning', (event) => warned.push(event));
  try {
    const heartbeat = JSON.parse((await client.get('blocking:heartbeat:cli-watched')) ?? 'null') as { swarmId: string; phase: string; iteration: number } | null;
    assert.deepEqual(heartbeat && { swarmId: heartbeat.swarmId, phase: heartbeat.phase, iteration: heartbeat.iteration }, { swarmId: 'sv-swarm', phase: 'validating', iteration: 3 });

    await handler.start();
    // Checks spanning more than the dead threshold: a running agent is never warned.
    const started = Date.now();
    while (Date.now() - started < 1_200) await once(handler, 'check:ended');
    assert.equal(warned.length, 0, JSON.stringify(warned));
    assert.equal(await handler.checkCoordinatorTimeout('cli-watched', 'sv-swarm'), false);

    const stop = await stopped.stop();
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal(await client.exists('blocking:heartbeat:cli-stopped'), 0, 'a stopped agent removed its heartbeat');
    assert.equal(await client.zscore('coordinator:registry:{sv-swarm}', 'cli-stopped'), null, 'and left the registry');

    await watched.kill();
    while (!warned.some((event) => event.coordinatorId === 'cli-watched')) await once(handler, 'coordinator:warning');
    assert.equal(await handler.checkCoordinatorTimeout('cli-watched', 'sv-swarm'), true);
    assert.ok(!warned.some((event) => event.coordinatorId === 'cli-stopped'), 'a cleanly stopped agent is not warned');
  } finally {
    await watched.kill();
    await handler.stop();
    client.disconnect();
    await store.close();
    await redis.stop();
  }
});
