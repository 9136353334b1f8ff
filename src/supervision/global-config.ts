import { z } from 'zod';
import { DEFAULTS } from '../protocol/defaults.js';
import { InvalidConfigError } from '../protocol/errors.js';

/** Options of a global coordinator; each defaults to the guide's value. */
export interface GlobalCoordinatorOptions {
  /** Leader lease, ms; renewed every third of it. Default 15 000. */
  leaseTimeout?: number;
  /** A worker silent this long leaves the worker list, ms. Default 25 000. */
  workerTimeout?: number;
  /** Worker heartbeat period, ms. Default 5 000. */
  heartbeatInterval?: number;
  /** Log every change in the guide's `[coordinator:global] [ns] ...` form. Default false. */
  diagnosticsEnabled?: boolean;
  /**
   * A leader counts itself leader until its last confirmed renewal plus the lease minus this, ms
   * (monotonic clock). Default: a tenth of the lease.
   */
  safetyMargin?: number;
}

export type GlobalCoordinatorConfig = Required<GlobalCoordinatorOptions>;

const positive = z.number().int().positive();
const schema = z
  .object({
    leaseTimeout: positive,
    workerTimeout: positive,
    heartbeatInterval: positive,
    diagnosticsEnabled: z.boolean(),
    safetyMargin: z.number().int().nonnegative(),
  })
  .refine((c) => c.safetyMargin < c.leaseTimeout / 3, { message: 'safetyMargin must be below a third of leaseTimeout (the renewal period)' })
  .refine((c) => c.workerTimeout > c.heartbeatInterval, { message: 'workerTimeout must exceed heartbeatInterval' });

export function resolveGlobalConfig(options: GlobalCoordinatorOptions): GlobalCoordinatorConfig {
  const leaseTimeout = options.leaseTimeout ?? DEFAULTS.leaseTimeoutMs;
  const merged = {
    leaseTimeout,
    workerTimeout: options.workerTimeout ?? DEFAULTS.workerTimeoutMs,
    heartbeatInterval: options.heartbeatInterval ?? DEFAULTS.heartbeatIntervalMs,
    diagnosticsEnabled: options.diagnosticsEnabled ?? false,
    safetyMargin: options.safetyMargin ?? Math.floor(leaseTimeout / 10),
  };
  const parsed = schema.safeParse(merged);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
    throw new InvalidConfigError(detail, { issues: parsed.error.issues });
  }
  return parsed.data;
}
