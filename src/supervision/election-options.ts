import * as z from 'zod';
import { resolveOptions } from '../protocol/options.js';

const positiveMs = z.number().int().positive();

/** The options of a leader election (GlobalCoordinator); no environment variable sets them. */
export const electionOptionsSchema = z
  .object({
    /** The leader's lease, ms: how long the store keeps the leader key after each renewal; renewed every third of it. */
    leaseTimeoutMs: positiveMs,
    /** A worker silent this long leaves the worker list, ms; must exceed heartbeatIntervalMs. */
    workerTimeoutMs: positiveMs,
    /** Time between worker heartbeats (the worker list only; the lease has its own renewals), ms. */
    heartbeatIntervalMs: positiveMs,
    /**
     * A leader counts itself leader until its last confirmed renewal plus the lease minus this, ms
     * (monotonic clock); below a third of the lease. Default: a tenth of the lease, rounded down.
     */
    safetyMarginMs: z.number().int().nonnegative().optional(),
    /** Log every step in the guide's `[coordinator:global] [<namespace>] ...` form. */
    diagnosticsEnabled: z.boolean(),
  })
  .transform(({ safetyMarginMs, ...rest }) => ({ ...rest, safetyMarginMs: safetyMarginMs ?? Math.floor(rest.leaseTimeoutMs / 10) }))
  .refine((c) => c.safetyMarginMs < c.leaseTimeoutMs / 3, { message: 'safetyMarginMs must be below a third of leaseTimeoutMs (the renewal period)' })
  .refine((c) => c.workerTimeoutMs > c.heartbeatIntervalMs, { message: 'workerTimeoutMs must exceed heartbeatIntervalMs' });

/** The guide's values. */
export const electionDefaults: Readonly<z.input<typeof electionOptionsSchema>> = Object.freeze({
  leaseTimeoutMs: 15_000,
  workerTimeoutMs: 25_000,
  heartbeatIntervalMs: 5_000,
  safetyMarginMs: undefined,
  diagnosticsEnabled: false,
});

/** What a caller may set; each option left out takes its default. */
export type ElectionOptions = Partial<z.input<typeof electionOptionsSchema>>;

/** The resolved options of an election. */
export type ElectionConfig = z.output<typeof electionOptionsSchema>;

/** Defaults, then `options`, checked: the resolved election options, or InvalidConfigError. */
export function resolveElectionOptions(options: ElectionOptions = {}): ElectionConfig {
  return resolveOptions({ schema: electionOptionsSchema, defaults: electionDefaults, options });
}
