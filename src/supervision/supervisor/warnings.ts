import { keys } from '../../protocol/keys.js';
import type { InboxRef } from '../../store/port.js';
import { fenceOf, type SupervisorContext } from './context.js';

/** A warning count outlives the checks that would add to it: this many times maxWarnings check rounds. */
const WARNING_LIFETIME_IN_CHECK_ROUNDS = 4;

export interface WarningMetrics {
  /** Coordinators that got a first warning (each a `coordinator:timeout`). */
  timeoutEventsTotal: number;
  warningsIssued: number;
}

/**
 * The warning count of each silent coordinator, kept in the store (so a supervisor failover
 * continues it) and fenced by the supervisors' term: one more per check while it stays silent,
 * cleared when it shows a sign of life again.
 */
export class Warnings {
  readonly #ctx: SupervisorContext;
  readonly #counts: WarningMetrics = { timeoutEventsTotal: 0, warningsIssued: 0 };

  constructor(ctx: SupervisorContext) {
    this.#ctx = ctx;
  }

  get metrics(): WarningMetrics {
    return { ...this.#counts };
  }

  /** The warnings each of these coordinators has now (0 for none). */
  async counts(swarmId: string, coordinatorIds: readonly string[]): Promise<number[]> {
    const stored = await this.#ctx.store.readStrings(coordinatorIds.map((id) => keys.warning(swarmId, id)));
    return stored.map((count) => Number(count ?? 0));
  }

  /**
   * One more warning for a coordinator silent for `silentMs` since `lastSeen`; the first one is
   * its timeout (event and `on_coordinator_dead` hook). `roundMs` is the time from one check to the
   * next (the interval plus how long a check takes, which a large registry makes long), so a count
   * never expires between the checks that add to it. Returns the count, or undefined when a newer
   * supervisor term has written there (this one is over).
   */
  async warn(owner: InboxRef, silentMs: number, lastSeen: number, epoch: number, roundMs: number): Promise<number | undefined> {
    const { store, config, emit, hooks } = this.#ctx;
    const ttlMs = Math.ceil(WARNING_LIFETIME_IN_CHECK_ROUNDS * roundMs * config.maxWarnings);
    const count = await store.warnCoordinator(owner, fenceOf(this.#ctx, epoch), ttlMs);
    if (count < 0) return undefined;
    const { coordinatorId, swarmId } = owner;
    this.#counts.warningsIssued += 1;
    if (count === 1) {
      this.#counts.timeoutEventsTotal += 1;
      emit('coordinator:timeout', { coordinatorId, swarmId, silentMs, lastSeen });
      void hooks.run('on_coordinator_dead', { AGENT_ID: coordinatorId, SWARM_ID: swarmId, SILENT_MS: silentMs });
    }
    emit('coordinator:warning', { coordinatorId, swarmId, count, silentMs });
    return count;
  }

  /** Clears the warnings of a coordinator that is alive again. */
  async clear(owner: InboxRef, epoch: number): Promise<void> {
    const cleared = await this.#ctx.store.clearWarnings(owner, fenceOf(this.#ctx, epoch));
    if (cleared > 0) this.#ctx.emit('coordinator:recovered', { ...owner, warnings: cleared });
  }
}
