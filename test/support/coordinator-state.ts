import type { ChainableCommander } from 'ioredis';
import { keys } from '../../src/protocol/keys.js';

/**
 * Queues on `pipeline` the state a coordinator leaves in Redis, as if it last beat at `at`
 * (store ms): its heartbeat key, its registry entry, an inbox with one signal and one ACK key.
 * Seeds the cleanup test and benchmark with fleets of stale (crashed) coordinators.
 */
export function seedCoordinatorState(pipeline: ChainableCommander, swarm: string, id: string, at: number, phase = 'crashed'): void {
  const heartbeat = JSON.stringify({ coordinatorId: id, swarmId: swarm, timestamp: at, iteration: 1, phase, status: 'active', sequence: 9 });
  pipeline.set(keys.heartbeat(id), heartbeat, 'PX', 3_600_000);
  pipeline.zadd(keys.registry(swarm), at, id);
  pipeline.xadd(keys.inbox(swarm, id), '*', 'signal', '{}');
  pipeline.pexpire(keys.inbox(swarm, id), 3_600_000);
  pipeline.set(keys.ack(swarm, id, `sender:wake:${at}`), '{}', 'PX', 3_600_000);
}
