import * as z from 'zod';
import { resolveOptions, type EnvBinding } from '../protocol/options.js';
import { SIGNAL_TTL_MS } from '../store/retention.js';

const positive = z.number().int().positive();
/** A limit: 0 turns it off. */
const limit = z.number().int().nonnegative();

/** A coordinator's timings and sizes: each option with its unit; the defaults are the runbooks'. */
export const coordinatorOptionsSchema = z
  .object({
    /** Time between heartbeats, ms. Env HEARTBEAT_INTERVAL (ms). */
    heartbeatIntervalMs: positive,
    /** Lifetime of a heartbeat key, ms; must exceed the interval. Env HEARTBEAT_TTL (seconds, as in the runbooks). */
    heartbeatTtlMs: positive,
    /** A signal or ACK the store appended this long after it was signed is a replay, ms. */
    replayWindowMs: positive,
    /** Lifetime of an undelivered signal and of an idempotency record, ms. */
    signalTtlMs: positive,
    /** Lifetime of an ACK (and so of the "already processed" mark), ms; must exceed the replay window. */
    ackTtlMs: positive,
    /** Default timeout of blockUntilSignal and waitForSignals, ms. Env BLOCKING_TIMEOUT_MS (ms). */
    blockingTimeoutMs: positive,
    /** Lifetime of a swarm's coordinator registry, refreshed by every heartbeat, ms. */
    registryTtlMs: positive,
    /** Store clock re-synchronisation period, ms. */
    clockSyncIntervalMs: positive,
    /** Most ACK notices kept per sender (approximate cap), count. */
    ackNoticeMaxLen: positive,
    /** Largest signal body accepted for sending, and largest ACK body with a result, bytes. */
    maxSignalBytes: positive,
    /**
     * Most bytes of messages a coordinator holds before anything asks for them: verified signals no
     * wait has taken, and ACK notices kept for waits still to begin. Beyond it, signals stay in the
     * store until waits take some, and ACK waits read the ACK keys instead. At least maxSignalBytes.
     */
    maxHeldBytes: positive,
    /** Most signals this coordinator sends to one receiver per second (RateLimitedError beyond), count; 0: no limit. */
    maxSendsPerSecond: limit,
    /** Most signals a receiver's inbox may hold when this coordinator sends to it (InboxFullError beyond), count; 0: no limit. */
    maxInboxLength: limit,
    /** Entries read from an inbox per round trip, count. */
    readBatchSize: positive,
    /** Lifetime of a coordinator's work items, refreshed by each assignment, ms. */
    workTtlMs: positive,
  })
  .refine((c) => c.heartbeatTtlMs > c.heartbeatIntervalMs, {
    message: 'heartbeatTtlMs must exceed heartbeatIntervalMs, or a live coordinator loses its key between beats',
  })
  .refine((c) => c.ackTtlMs > c.replayWindowMs, {
    message: 'ackTtlMs must exceed replayWindowMs, or a replayed signal outlives its "already processed" mark',
  })
  .refine((c) => c.registryTtlMs > c.heartbeatTtlMs, { message: 'registryTtlMs must exceed heartbeatTtlMs' })
  .refine((c) => c.maxHeldBytes >= c.maxSignalBytes, { message: 'maxHeldBytes must be at least maxSignalBytes, or a signal of the largest size could never be held' });

/** A coordinator's resolved timings and sizes. */
export type CoordinatorConfig = z.output<typeof coordinatorOptionsSchema>;

/** The runbooks' values: heartbeat every 5 s, TTL 90 s, signals kept 24 h, ACKs 1 h, replay window 5 min. */
export const coordinatorDefaults: Readonly<CoordinatorConfig> = Object.freeze({
  heartbeatIntervalMs: 5_000,
  heartbeatTtlMs: 90_000,
  replayWindowMs: 300_000,
  signalTtlMs: SIGNAL_TTL_MS,
  ackTtlMs: 3_600_000,
  blockingTimeoutMs: 1_800_000,
  registryTtlMs: 7 * 86_400_000,
  clockSyncIntervalMs: 60_000,
  ackNoticeMaxLen: 1_000,
  maxSignalBytes: 1_048_576,
  maxHeldBytes: 64 * 1_048_576,
  maxSendsPerSecond: 10_000,
  maxInboxLength: 10_000,
  readBatchSize: 100,
  workTtlMs: 7 * 86_400_000,
});

/** The runbooks' environment variables for a coordinator, with the unit each is written in. */
export const coordinatorEnv: Readonly<Record<string, EnvBinding>> = {
  heartbeatIntervalMs: { variable: 'HEARTBEAT_INTERVAL', unit: 'ms' },
  heartbeatTtlMs: { variable: 'HEARTBEAT_TTL', unit: 'seconds' },
  blockingTimeoutMs: { variable: 'BLOCKING_TIMEOUT_MS', unit: 'ms' },
};

/** Options override environment, environment overrides the defaults; invalid values fail here, at start. */
export function resolveCoordinatorOptions(options: Partial<CoordinatorConfig>, env: NodeJS.ProcessEnv): CoordinatorConfig {
  return resolveOptions({ schema: coordinatorOptionsSchema, defaults: coordinatorDefaults, options, env: { bindings: coordinatorEnv, values: env } });
}
