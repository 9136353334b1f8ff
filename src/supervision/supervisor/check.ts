import type { SupervisorContext } from './context.js';
import type { Deadlocks } from './deadlocks.js';
import type { Escalation } from './escalation.js';
import { readLiveness } from './liveness.js';
import type { Warnings } from './warnings.js';

export interface CheckParts {
  warnings: Warnings;
  escalation: Escalation;
  deadlocks: Deadlocks;
  /** Whether this supervisor still leads (and still runs): a check stops at the next step when not. */
  leads(): boolean;
}

/**
 * One check by the leading supervisor, run every checkIntervalMs in its term: for each swarm, the
 * spawn requests an earlier leader left, deadlocks among the live coordinators, then each
 * coordinator in turn: warnings cleared when alive, one more when silent past the dead threshold,
 * and escalation after maxWarnings.
 */
export class SupervisorCheck {
  readonly #ctx: SupervisorContext;
  readonly #parts: CheckParts;
  #checks = 0;

  constructor(ctx: SupervisorContext, parts: CheckParts) {
    this.#ctx = ctx;
    this.#parts = parts;
  }

  get totalChecks(): number {
    return this.#checks;
  }

  /** One check of every swarm in term `epoch`. */
  async run(epoch: number): Promise<void> {
    const { store, config, now } = this.#ctx;
    const { warnings, escalation, deadlocks, leads } = this.#parts;
    this.#checks += 1;
    const at = await now();
    for (const swarmId of await store.listSwarms()) {
      if (!leads()) return; // stopped, or the term ended
      await escalation.resumeSpawns(swarmId, at, epoch);
      const coordinators = [...(await readLiveness(store, swarmId))].map(([coordinatorId, { lastSeen, waitingFor }]) => ({ coordinatorId, lastSeen, waitingFor, silentMs: at - lastSeen }));
      const counts = await warnings.counts(swarmId, coordinators.map((c) => c.coordinatorId));
      const waiting = coordinators.filter((c) => c.silentMs <= config.deadThresholdMs && c.waitingFor.size > 0);
      await deadlocks.detect(swarmId, new Map(waiting.map((c) => [c.coordinatorId, c.waitingFor])), epoch);
      for (const [i, { coordinatorId, lastSeen, silentMs }] of coordinators.entries()) {
        if (!leads()) return; // the term ended during the check
        const owner = { swarmId, coordinatorId };
        if (silentMs <= config.deadThresholdMs) {
          if (counts[i]! > 0) await warnings.clear(owner, epoch);
          continue;
        }
        const count = await warnings.warn(owner, silentMs, lastSeen, epoch);
        if (count === undefined) return; // fenced out: a newer supervisor term exists
        if (count >= config.maxWarnings && config.autoEscalate) await escalation.escalate(owner, epoch).catch(() => undefined);
      }
    }
  }
}
