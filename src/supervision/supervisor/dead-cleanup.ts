import { keys } from '../../protocol/keys.js';
import type { SupervisorContext } from './context.js';

export interface DeadCleanupMetrics {
  cleanupsPerformed: number;
  cleanupFailures: number;
}

/**
 * Removes what marks a dead coordinator as present: its heartbeat, warnings, activity record and
 * registry entry. Its work and inbox are escalation's to move, never removed here.
 */
export class DeadCleanup {
  readonly #ctx: SupervisorContext;
  readonly #counts: DeadCleanupMetrics = { cleanupsPerformed: 0, cleanupFailures: 0 };

  constructor(ctx: SupervisorContext) {
    this.#ctx = ctx;
  }

  get metrics(): DeadCleanupMetrics {
    return { ...this.#counts };
  }

  /** Never rejects: the outcome is an event (`cleanup:complete` or `cleanup:failed`). */
  async run(coordinatorId: string, swarmId: string): Promise<void> {
    const { store, emit, now } = this.#ctx;
    try {
      await store.deleteKeys([keys.heartbeat(coordinatorId), keys.warning(swarmId, coordinatorId), keys.activity(swarmId, coordinatorId)]);
      await store.pruneRegistry(swarmId, [coordinatorId]);
      this.#counts.cleanupsPerformed += 1;
      emit('cleanup:complete', { coordinatorId, swarmId, timestamp: await now() });
    } catch (error) {
      this.#counts.cleanupFailures += 1;
      emit('cleanup:failed', { coordinatorId, swarmId, error });
    }
  }
}
