import * as z from 'zod';
import { InvalidConfigError } from '../protocol/errors.js';
import { resolveOptions } from '../protocol/options.js';

const positive = z.number().int().positive();

/** The options of a store's circuit breaker (store-breaker.ts). */
export const breakerOptionsSchema = z
  .object({
    /** Consecutive operations that found the store unreachable before the breaker opens, count. */
    threshold: positive,
    /** Time from opening to the first probe of the store, ms; doubled after each failed probe. */
    halfOpenAfterMs: positive,
    /** Longest time between probes, ms: where the doubling stops. */
    maxHalfOpenAfterMs: positive,
  })
  .refine((c) => c.maxHalfOpenAfterMs >= c.halfOpenAfterMs, { message: 'maxHalfOpenAfterMs must be at least halfOpenAfterMs' });

/** The runbooks' values: open after 5 failures in a row, probe after 1 s, then 2, 4 and 8 s. */
export const breakerDefaults: Readonly<z.input<typeof breakerOptionsSchema>> = Object.freeze({
  threshold: 5,
  halfOpenAfterMs: 1_000,
  maxHalfOpenAfterMs: 8_000,
});

/** What a caller may set; each option left out takes its default. */
export type BreakerOptions = Partial<z.input<typeof breakerOptionsSchema>>;

/** A breaker's resolved options. */
export type BreakerConfig = z.output<typeof breakerOptionsSchema>;

/** Defaults, then `options`, checked: the resolved options, `false` (no breaker), or InvalidConfigError. */
export function resolveBreakerOptions(options: BreakerOptions | false | undefined): BreakerConfig | false {
  if (options === false) return false;
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    throw new InvalidConfigError(`breaker must be an options object or false, got ${JSON.stringify(options)}`);
  }
  return resolveOptions({ schema: breakerOptionsSchema, defaults: breakerDefaults, options: options ?? {} });
}
