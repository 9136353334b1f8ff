import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { keys } from '../../src/protocol/keys.js';
import { createStore } from '../../src/store/create-store.js';
import type { Store } from '../../src/store/port.js';
import { commandSpawner } from '../../src/supervision/spawner.js';
import { CoordinatorTimeoutHandler } from '../../src/supervision/timeout-handler.js';
import { AGENT_FIXTURE, agentEnv, agentProcesses } from '../support/agent-processes.js';
import { Coordinators, SECRET } from '../support/coordinators.js';
import { recordingLogger } from '../support/recording-logger.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';

const SWARM = 'proof-swarm';
const AGENTS = ['agent-1', 'agent-2', 'agent-3', 'agent-4', 'agent-5'];

let server: RedisServer;
let store: Store;
before(async () => {
  server = await startRedis();
  store = await createStore({ url: server.url, logger: recordingLogger() });
});
after(async () => {
  await store.close();
  await server.stop();
});

const startAgent = agentProcesses(() => server.url, SWARM);

/** Issue 4's proof: one of five agent processes is SIGKILLed; the supervisor escalates, the command spawner starts a replacement process that gets the dead one's work and pending signal, and the owner's round completes. */
test('a killed agent is replaced by a spawned process that takes its work and signal and finishes the round', { timeout: 60_000 }, async () => {
  const agents = new Map(await Promise.all(AGENTS.map(async (id) => [id, await startAgent(id)] as const)));
  const c = new Coordinators(() => store, SWARM);
  const owner = await c.start('owner', { heartbeatIntervalMs: 50, heartbeatTtlMs: 300 });

  const victim = agents.get('agent-3')!;
  victim.kill('SIGKILL');
  await once(victim, 'exit');
  for (const id of AGENTS) await owner.sendSignal(id, 'validate', { iteration: 1, payload: { task: 'review' } });

  const spawner = commandSpawner(`${process.execPath} --import tsx ${AGENT_FIXTURE} --id {replacementId} --replaces {replaces} --swarm {swarmId}`, { env: agentEnv(server.url) });
  const handler = new CoordinatorTimeoutHandler({
    store,
    deadThresholdMs: 600,
    checkIntervalMs: 100,
    maxWarnings: 2,
    spawner,
    namespace: 'proof-supervisor',
    election: { secret: SECRET, leaseTimeoutMs: 900, heartbeatIntervalMs: 100, workerTimeoutMs: 2_000 },
    logger: recordingLogger(),
  });
  const escalated = once(handler, 'coordinator:escalated');
  const listener = new Redis(server.port, server.host);
  await listener.subscribe(keys.replacementChannel(SWARM));
  const announced = once(listener, 'message');
  await handler.start();
  const answers = await owner.waitForSignals(AGENTS, { types: 'completion', iteration: 1, timeoutMs: 30_000 });
  const [event] = await escalated;
  await handler.stop();

  assert.deepEqual([...answers.keys()].sort(), AGENTS, 'every agent answered, agent-3 through its replacement');
  assert.deepEqual([event.coordinatorId, event.workItemsMoved, event.signalsMoved], ['agent-3', 1, 1]);
  const fromReplacement = answers.get('agent-3')!;
  assert.deepEqual([fromReplacement.senderId, fromReplacement.replaces], [event.replacementId, 'agent-3']);
  assert.deepEqual((fromReplacement.payload as { work: unknown[] }).work, [{ taskId: 'task-of-agent-3', transferredFrom: 'agent-3' }]);
  const [channel, message] = (await announced) as [string, string];
  listener.disconnect();
  assert.equal(channel, 'swarm:proof-swarm:coordinator:replacement');
  assert.deepEqual(JSON.parse(message), { oldCoordinatorId: 'agent-3', newCoordinatorId: event.replacementId });
  await owner.sendSignal(event.replacementId, 'stop'); // the spawned process is detached: it ends on this
  await c.shutdownAll();
});
