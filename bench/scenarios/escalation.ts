import { spawn } from 'node:child_process';
import { TS_CHILD_ARGS } from '../build/child-args.js';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createStore, type CoordinatorEscalatedEvent } from '../../src/index.js';
import { CoordinatorTimeoutHandler } from '../../src/supervision/timeout-handler.js';

const AGENT = fileURLToPath(new URL('../../test/fixtures/agent-process.ts', import.meta.url));

export interface EscalationCounts {
  rounds: number;
  deadThresholdMs: number;
  checkIntervalMs: number;
  maxWarnings: number;
}

/**
 * Row 6b: an agent process (heartbeat every 50 ms) is SIGKILLed; time until the supervisor's
 * `coordinator:escalated` for it. Expect about the dead threshold plus (maxWarnings - 1) checks.
 */
export async function runEscalation(url: string, secret: string, counts: EscalationCounts): Promise<{ samplesMs: number[] }> {
  const store = await createStore({ url });
  const swarm = `bench-escalation-${process.pid}`;
  const handler = new CoordinatorTimeoutHandler({
    store,
    deadThresholdMs: counts.deadThresholdMs,
    checkIntervalMs: counts.checkIntervalMs,
    maxWarnings: counts.maxWarnings,
    namespace: `bench-supervisor-${process.pid}`,
    election: { secret, leaseTimeoutMs: 900, heartbeatIntervalMs: 100, workerTimeoutMs: 2_000 },
  });
  await handler.start();
  const samplesMs: number[] = [];
  try {
    for (let round = 0; round < counts.rounds; round++) {
      const id = `doomed-${round}`;
      const agent = spawn(process.execPath, [...TS_CHILD_ARGS, AGENT, '--id', id, '--swarm', swarm], {
        env: { ...process.env, STORE_SPEC: JSON.stringify({ url }), SECRET: secret, RENDEZVOUS_LOG_LEVEL: 'error' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await once(agent.stdout!, 'data'); // ready: registered and beating
      await new Promise((resolve) => setTimeout(resolve, 200)); // a few beats
      const escalated = new Promise<void>((resolve) => {
        const listener = (event: CoordinatorEscalatedEvent) => {
          if (event.coordinatorId !== id) return;
          handler.off('coordinator:escalated', listener);
          resolve();
        };
        handler.on('coordinator:escalated', listener);
      });
      const killedAt = performance.now();
      agent.kill('SIGKILL');
      await escalated;
      samplesMs.push(performance.now() - killedAt);
    }
  } finally {
    await handler.stop();
    await store.close();
  }
  return { samplesMs };
}
