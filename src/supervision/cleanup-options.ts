import * as z from 'zod';
import type { Logger } from '../protocol/logger.js';
import { resolveOptions } from '../protocol/options.js';

/** The options of a stale-state cleanup (cleanupStaleState). */
export const cleanupOptionsSchema = z.object({
  /** A coordinator is stale when its last heartbeat and activity are older than this, ms (compared in whole seconds). */
  staleThresholdMs: z.number().int().positive(),
  /** Keys per SCAN step and per batch of commands. */
  batchSize: z.number().int().positive(),
  /** List what would be deleted and fixed; change nothing. */
  dryRun: z.boolean(),
  /** The lifetime a `blocking:*` key found without one is given, ms. */
  missingTtlMs: z.number().int().positive(),
});

/** The runbooks' values. */
export const cleanupDefaults: Readonly<z.input<typeof cleanupOptionsSchema>> = Object.freeze({
  staleThresholdMs: 600_000,
  batchSize: 500,
  dryRun: false,
  missingTtlMs: 86_400_000,
});

/** What a caller may set; each option left out takes its default. */
export type CleanupOptions = Partial<z.input<typeof cleanupOptionsSchema>> & {
  /** Default: the default logger. */
  logger?: Logger;
};

/** The resolved options of a cleanup. */
export type CleanupConfig = z.output<typeof cleanupOptionsSchema>;

/** Defaults, then `options`, checked: the resolved options, or InvalidConfigError. */
export function resolveCleanupOptions(options: CleanupOptions = {}): CleanupConfig {
  return resolveOptions({ schema: cleanupOptionsSchema, defaults: cleanupDefaults, options });
}
