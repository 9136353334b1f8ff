import { ThrottledReport } from '../../core/throttled-report.js';
import type { Logger } from '../../protocol/logger.js';
import type { SupervisorConfig } from '../supervisor-options.js';
import { ActionBudget } from './budget.js';

export interface CapMetrics {
  /** Escalations left for a later check because a cap was reached (one per coordinator per check). */
  escalationsCapped: number;
  /** Replacements not started yet because a cap was reached (their requests stay pending). */
  spawnsCapped: number;
}

/**
 * The supervisor's caps: escalations and spawns per check and per minute, so that however many
 * dead coordinators the registry claims, the supervisor moves work and starts processes at a
 * bounded rate. What a cap holds back is left for later checks, never dropped; the caps report
 * it in one log line per interval.
 */
export class SupervisorCaps {
  readonly escalations: ActionBudget;
  readonly spawns: ActionBudget;
  readonly #report: ThrottledReport;
  readonly #reported = { escalations: 0, spawns: 0 };

  /** `clock`: the monotonic clock of the per-minute windows, ms (default performance.now). */
  constructor(config: SupervisorConfig, logger: Logger, clock?: () => number) {
    this.escalations = new ActionBudget({ perCheck: config.maxEscalationsPerCheck, perWindow: config.maxEscalationsPerMinute, windowMs: config.rateWindowMs }, clock);
    this.spawns = new ActionBudget({ perCheck: config.maxSpawnsPerCheck, perWindow: config.maxSpawnsPerMinute, windowMs: config.rateWindowMs }, clock);
    const limits = {
      maxEscalationsPerCheck: config.maxEscalationsPerCheck,
      maxEscalationsPerMinute: config.maxEscalationsPerMinute,
      maxSpawnsPerCheck: config.maxSpawnsPerCheck,
      maxSpawnsPerMinute: config.maxSpawnsPerMinute,
    };
    this.#report = new ThrottledReport(
      ({ counts }) => logger.warn({ deferred: counts, ...limits }, 'supervisor cap reached: escalations or spawns left for later checks (counts since the last report)'),
      config.rateWindowMs,
    );
  }

  get metrics(): CapMetrics {
    return { escalationsCapped: this.escalations.capped, spawnsCapped: this.spawns.capped };
  }

  beginCheck(): void {
    this.escalations.beginCheck();
    this.spawns.beginCheck();
  }

  /** At a check's end: what the caps held back since the last line, reported if a line is due. */
  report(): void {
    for (const [name, budget] of [['escalations', this.escalations], ['spawns', this.spawns]] as const) {
      const held = budget.capped - this.#reported[name];
      if (held > 0) this.#report.add(name, held);
      this.#reported[name] = budget.capped;
    }
    this.#report.flush();
  }
}
