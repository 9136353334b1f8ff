import type { InboxRef } from '../../store/port.js';
import type { SupervisorContext } from './context.js';
import type { Deadlocks } from './deadlocks.js';
import type { Escalation } from './escalation.js';
import { lastRecorded, readLiveness } from './liveness.js';
import { byPriority, SeenAlive, type EscalationCandidate } from './priority.js';
import type { SwarmCheckCounts } from './events.js';
import { readSwarms } from './rejections.js';
import type { Warnings } from './warnings.js';

/** Coordinators judged at once: their warnings go to the store together. */
const WARN_BATCH = 100;

/** What one check did. */
export interface CheckSummary {
  epoch: number;
  /** Swarms checked (all of them, unless the term ended during the check). */
  swarms: number;
  /** Registered coordinators judged. */
  coordinators: number;
  /** Monotonic ms the check took, from its start (not counting a wait for the check before it). */
  durationMs: number;
}

export interface CheckParts {
  warnings: Warnings;
  escalation: Escalation;
  deadlocks: Deadlocks;
  /**
   * Whether this supervisor still leads in term `epoch` (and still runs): a check stops at the next
   * step when not. The term, not only leadership: a check of an ended term must stop even when this
   * worker leads again in a newer one (its writes would all be fenced out, and use up the caps).
   */
  leads(epoch: number): boolean;
}

/**
 * One check by the leading supervisor, run every checkIntervalMs in its term: for each swarm (ids
 * checked, see rejections.ts), the spawn requests an earlier check left, deadlocks among the live
 * coordinators, then each coordinator in turn: warnings cleared when alive, one more when silent
 * past the dead threshold. Those with maxWarnings are escalated last, within the escalation cap,
 * the ones this supervisor saw alive and the most recently seen first, each only after a fresh
 * read of its own heartbeat and activity records confirms it is still silent.
 */
export class SupervisorCheck {
  readonly #ctx: SupervisorContext;
  readonly #parts: CheckParts;
  readonly #seen = new SeenAlive();
  #checks = 0;
  /** How long the last check took, ms (monotonic). */
  #lastDurationMs = 0;
  /** The check in progress: a forced check waits for it, so two checks never overlap. */
  #running: Promise<unknown> = Promise.resolve();

  constructor(ctx: SupervisorContext, parts: CheckParts) {
    this.#ctx = ctx;
    this.#parts = parts;
  }

  get totalChecks(): number {
    return this.#checks;
  }

  /** One check of every swarm in term `epoch`, after the check in progress (if any) has ended. */
  run(epoch: number): Promise<CheckSummary> {
    const run = this.#running.then(() => this.#runNow(epoch));
    this.#running = run.catch(() => undefined);
    return run;
  }

  async #runNow(epoch: number): Promise<CheckSummary> {
    const { caps, rejections, listens, emit } = this.#ctx;
    this.#checks += 1;
    caps.beginCheck();
    if (listens('check:started')) emit('check:started', { epoch });
    // Per-swarm counts are kept only for a listener (the metrics' gauges).
    const swarms: SwarmCheckCounts[] | undefined = listens('check:ended') ? [] : undefined;
    let completed = false;
    const started = performance.now();
    const summary: CheckSummary = { epoch, swarms: 0, coordinators: 0, durationMs: 0 };
    try {
      const candidates = await this.#warn(epoch, started, summary, swarms);
      if (candidates) await this.#escalate(candidates.sort(byPriority), epoch);
      completed = candidates !== undefined && this.#parts.leads(epoch);
      summary.durationMs = performance.now() - started;
      return summary;
    } finally {
      this.#lastDurationMs = performance.now() - started;
      rejections.flush();
      caps.report();
      if (swarms) emit('check:ended', { epoch, durationMs: this.#lastDurationMs, completed, swarms });
    }
  }

  /** Warns the silent and clears the recovered in every swarm; the coordinators due for escalation, or undefined when this term ended. */
  async #warn(epoch: number, started: number, summary: CheckSummary, counted: SwarmCheckCounts[] | undefined): Promise<EscalationCandidate[] | undefined> {
    const { store, config, now, rejections } = this.#ctx;
    const { warnings, escalation, deadlocks, leads } = this.#parts;
    const at = await now();
    // From one check to the next: the interval plus a check's length, which a large registry makes long.
    const roundMs = () => config.checkIntervalMs + Math.max(this.#lastDurationMs, performance.now() - started);
    const candidates: EscalationCandidate[] = [];
    for (const swarmId of await readSwarms(store, rejections)) {
      if (!leads(epoch)) return undefined; // stopped, or the term ended
      await escalation.resumeSpawns(swarmId, at, epoch);
      const coordinators = [...(await readLiveness(store, swarmId, rejections))].map(([coordinatorId, liveness]) => ({ coordinatorId, ...liveness, silentMs: at - liveness.lastSeen }));
      summary.swarms += 1;
      summary.coordinators += coordinators.length;
      for (const { coordinatorId, recordedAt } of coordinators) if (at - recordedAt <= config.deadThresholdMs) this.#seen.note({ swarmId, coordinatorId });
      const counts = await warnings.counts(swarmId, coordinators.map((c) => c.coordinatorId));
      const tally = counted && { swarmId, alive: 0, warned: 0, dead: 0 };
      const waiting = coordinators.filter((c) => c.silentMs <= config.deadThresholdMs && c.waitingFor.size > 0);
      await deadlocks.detect(swarmId, new Map(waiting.map((c) => [c.coordinatorId, c.waitingFor])), epoch);
      // A batch of coordinators at a time, their writes sent together: a registry of 10,000 costs 100 round trips, not 10,000.
      for (let from = 0; from < coordinators.length; from += WARN_BATCH) {
        if (!leads(epoch)) return undefined; // the term ended during the check
        const batch = coordinators.slice(from, from + WARN_BATCH);
        const outcomes = await Promise.all(batch.map(({ coordinatorId, lastSeen, silentMs }, j) => this.#judge({ swarmId, coordinatorId }, silentMs, counts[from + j]!, epoch, roundMs(), lastSeen)));
        if (outcomes.includes('fenced')) return undefined; // a newer supervisor term exists
        for (const [j, outcome] of outcomes.entries()) {
          const warned = outcome as number; // not `fenced`: that returned above
          const { coordinatorId, lastSeen } = batch[j]!;
          const owner = { swarmId, coordinatorId };
          if (warned >= config.maxWarnings && config.autoEscalate) candidates.push({ owner, lastSeen, known: this.#seen.has(owner) });
          if (tally) tally[warned === 0 ? 'alive' : warned >= config.maxWarnings ? 'dead' : 'warned'] += 1;
        }
      }
      if (tally) counted!.push(tally);
    }
    return candidates;
  }

  /** Clears a coordinator alive again (0), or warns a silent one: its warnings now, or `fenced`. */
  async #judge(owner: InboxRef, silentMs: number, warned: number, epoch: number, roundMs: number, lastSeen: number): Promise<number | 'fenced'> {
    const { config } = this.#ctx;
    const { warnings } = this.#parts;
    if (silentMs <= config.deadThresholdMs) {
      if (warned > 0) await warnings.clear(owner, epoch);
      return 0;
    }
    const count = await warnings.warn(owner, silentMs, lastSeen, epoch, roundMs);
    return count === undefined ? 'fenced' : count;
  }

  /** Escalates `candidates` in order while the escalation cap allows; the rest wait for a later check (their warnings stay). */
  async #escalate(candidates: readonly EscalationCandidate[], epoch: number): Promise<void> {
    const { store, config, now, caps, logger } = this.#ctx;
    const { escalation, leads } = this.#parts;
    for (const [i, { owner }] of candidates.entries()) {
      if (!leads(epoch)) return;
      if (!caps.escalations.available()) {
        caps.escalations.countCapped(candidates.length - i);
        return;
      }
      // The cross-check: the registry score said silent; its own records, read now, must agree.
      if ((await now()) - (await lastRecorded(store, owner)) <= config.deadThresholdMs) {
        logger.info(owner, 'not escalated: its own heartbeat or activity record is fresh');
        continue;
      }
      caps.escalations.take();
      const outcome = await escalation.escalate(owner, epoch).catch(() => undefined);
      if (outcome && !outcome.created) caps.escalations.refund(); // it existed already: nothing moved or started
    }
  }
}
