import * as z from 'zod';
import { coordinatorDefaults } from '../core/coordinator-options.js';
import { resolveOptions, type EnvBinding } from '../protocol/options.js';

const positiveMs = z.number().int().positive();

/** The options of the supervisor (CoordinatorTimeoutHandler). */
export const supervisorOptionsSchema = z
  .object({
    /** A coordinator silent this long (no heartbeat, no recorded activity) is dead, ms. Env DEAD_THRESHOLD (ms). */
    deadThresholdMs: positiveMs,
    /** Time between the leading supervisor's checks, ms. */
    checkIntervalMs: positiveMs,
    /** Warnings a dead coordinator gets before it is escalated. */
    maxWarnings: z.number().int().positive(),
    /** After an escalation, remove the dead coordinator's heartbeat, warnings, activity and registry entry. */
    autoCleanup: z.boolean(),
    /** Escalate a coordinator once it has maxWarnings warnings. */
    autoEscalate: z.boolean(),
    /** The election the supervisors share (a GlobalCoordinator namespace); id rule. */
    namespace: z.string(),
    /** Lifetime of an activity record (and of a registry only activity keeps), ms; must exceed deadThresholdMs. */
    activityTtlMs: positiveMs,
    /** Lifetime of an escalation record and its spawn request, ms. */
    escalationRecordTtlMs: positiveMs,
    /** Lifetime of the work items escalation gives a replacement (as a coordinator's own, refreshed by each assignment), ms. */
    workTtlMs: positiveMs,
    /** Lifetime of the replacement's inbox the dead one's signals are moved to (as a signal's), ms. */
    inboxTtlMs: positiveMs,
    /** How long a reported deadlock is remembered, so it is reported once, ms. */
    deadlockRecordTtlMs: positiveMs,
    /** How often the supervisor re-reads the store's clock, ms. */
    clockSyncIntervalMs: positiveMs,
    /** Escalations one check may create; the rest wait for later checks. Env RENDEZVOUS_MAX_ESCALATIONS_PER_CHECK. */
    maxEscalationsPerCheck: z.number().int().positive(),
    /** Escalations per rateWindowMs (a minute); the rest wait. Env RENDEZVOUS_MAX_ESCALATIONS_PER_MINUTE. */
    maxEscalationsPerMinute: z.number().int().positive(),
    /** Replacements one check may start (new and resumed spawn requests); the rest stay pending. Env RENDEZVOUS_MAX_SPAWNS_PER_CHECK. */
    maxSpawnsPerCheck: z.number().int().positive(),
    /** Replacements started per rateWindowMs (a minute); the rest stay pending. Env RENDEZVOUS_MAX_SPAWNS_PER_MINUTE. */
    maxSpawnsPerMinute: z.number().int().positive(),
    /** The "minute" of the per-minute caps, and the interval of the supervisor's throttled reports, ms (tests compress it). */
    rateWindowMs: positiveMs,
  })
  .refine((c) => c.activityTtlMs > c.deadThresholdMs, {
    message: 'activityTtlMs must exceed deadThresholdMs, or a silent coordinator\'s activity vanishes before it counts as dead',
  });

/** The runbooks' values. */
export const supervisorDefaults: Readonly<z.input<typeof supervisorOptionsSchema>> = Object.freeze({
  deadThresholdMs: 120_000,
  checkIntervalMs: 30_000,
  maxWarnings: 3,
  autoCleanup: true,
  autoEscalate: true,
  namespace: 'supervisor',
  activityTtlMs: 1_200_000, // twice cleanup's stale threshold: cleanup still finds a stale coordinator's activity
  escalationRecordTtlMs: 7 * 86_400_000,
  // What the replacement inherits lives as long as the coordinator's own records would.
  workTtlMs: coordinatorDefaults.workTtlMs,
  inboxTtlMs: coordinatorDefaults.signalTtlMs,
  deadlockRecordTtlMs: 3_600_000,
  clockSyncIntervalMs: coordinatorDefaults.clockSyncIntervalMs,
  // Far above what a crashed host of agents needs at once, far below what a forged registry asks for.
  maxEscalationsPerCheck: 100,
  maxEscalationsPerMinute: 300,
  maxSpawnsPerCheck: 100,
  maxSpawnsPerMinute: 300,
  rateWindowMs: 60_000,
});

/** The environment variables that set supervisor options. */
export const supervisorEnv: Readonly<Record<string, EnvBinding>> = {
  deadThresholdMs: { variable: 'DEAD_THRESHOLD', unit: 'ms' },
  maxEscalationsPerCheck: { variable: 'RENDEZVOUS_MAX_ESCALATIONS_PER_CHECK', unit: 'count' },
  maxEscalationsPerMinute: { variable: 'RENDEZVOUS_MAX_ESCALATIONS_PER_MINUTE', unit: 'count' },
  maxSpawnsPerCheck: { variable: 'RENDEZVOUS_MAX_SPAWNS_PER_CHECK', unit: 'count' },
  maxSpawnsPerMinute: { variable: 'RENDEZVOUS_MAX_SPAWNS_PER_MINUTE', unit: 'count' },
};

/** What a caller may set; each option left out takes its default (or its environment variable). */
export type SupervisorOptions = Partial<z.input<typeof supervisorOptionsSchema>>;

/** The resolved options of a supervisor. */
export type SupervisorConfig = z.output<typeof supervisorOptionsSchema>;

/** Defaults, then the environment (strictly), then `options`: the resolved options, or InvalidConfigError. */
export function resolveSupervisorOptions(options: SupervisorOptions = {}, env: NodeJS.ProcessEnv = process.env): SupervisorConfig {
  return resolveOptions({ schema: supervisorOptionsSchema, defaults: supervisorDefaults, options, env: { bindings: supervisorEnv, values: env } });
}

/** The swarm of a coordinator named without one (as a BlockingCoordinator's default swarmId). */
export const DEFAULT_SWARM_ID = 'default';
