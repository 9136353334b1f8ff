import { z } from 'zod';
import { DEFAULTS } from '../protocol/defaults.js';
import { InvalidConfigError } from '../protocol/errors.js';

/** Timing and size options of a coordinator; each defaults to DEFAULTS (protocol/defaults.ts). */
export interface CoordinatorTimings {
  heartbeatIntervalMs?: number;
  heartbeatTtlMs?: number;
  replayWindowMs?: number;
  signalTtlMs?: number;
  ackTtlMs?: number;
  blockingTimeoutMs?: number;
  registryTtlMs?: number;
  clockSyncIntervalMs?: number;
  ackNoticeMaxLen?: number;
  maxSignalBytes?: number;
  readBatchSize?: number;
  workTtlMs?: number;
}

export type CoordinatorConfig = Required<CoordinatorTimings>;

const positive = z.number().int().positive();
const configSchema = z
  .object({
    heartbeatIntervalMs: positive,
    heartbeatTtlMs: positive,
    replayWindowMs: positive,
    signalTtlMs: positive,
    ackTtlMs: positive,
    blockingTimeoutMs: positive,
    registryTtlMs: positive,
    clockSyncIntervalMs: positive,
    ackNoticeMaxLen: positive,
    maxSignalBytes: positive,
    readBatchSize: positive,
    workTtlMs: positive,
  })
  .refine((c) => c.heartbeatTtlMs > c.heartbeatIntervalMs, {
    message: 'heartbeatTtlMs must exceed heartbeatIntervalMs, or a live coordinator loses its key between beats',
  })
  .refine((c) => c.ackTtlMs > c.replayWindowMs, {
    message: 'ackTtlMs must exceed replayWindowMs, or a replayed signal outlives its "already processed" mark',
  })
  .refine((c) => c.registryTtlMs > c.heartbeatTtlMs, { message: 'registryTtlMs must exceed heartbeatTtlMs' });

/** The runbooks' environment variables, with the unit each is written in. */
function fromEnv(env: NodeJS.ProcessEnv): CoordinatorTimings {
  // Milliseconds are whole numbers; seconds may have a fraction (HEARTBEAT_TTL=0.5).
  const read = (name: string, unit: 'ms' | 's' = 'ms'): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const pattern = unit === 'ms' ? /^\d+$/ : /^\d+(\.\d+)?$/;
    if (!pattern.test(raw.trim())) {
      throw new InvalidConfigError(`${name}=${JSON.stringify(raw)} is not a ${unit === 'ms' ? 'whole number of milliseconds' : 'number of seconds'}`, { name });
    }
    return unit === 'ms' ? Number(raw) : Math.round(Number(raw) * 1000);
  };
  const out: CoordinatorTimings = {};
  const set = <K extends keyof CoordinatorTimings>(key: K, value: number | undefined) => {
    if (value !== undefined) out[key] = value;
  };
  set('heartbeatIntervalMs', read('HEARTBEAT_INTERVAL'));
  set('heartbeatTtlMs', read('HEARTBEAT_TTL', 's')); // seconds, as the runbooks write it
  set('blockingTimeoutMs', read('BLOCKING_TIMEOUT_MS'));
  return out;
}

/** Options override environment, environment overrides DEFAULTS; invalid values fail here, at start. */
export function resolveConfig(options: CoordinatorTimings, env: NodeJS.ProcessEnv): CoordinatorConfig {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const merged = { ...pickDefaults(), ...fromEnv(env), ...defined };
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
    throw new InvalidConfigError(detail, { issues: parsed.error.issues });
  }
  return parsed.data;
}

const CONFIG_KEYS = [
  'heartbeatIntervalMs',
  'heartbeatTtlMs',
  'replayWindowMs',
  'signalTtlMs',
  'ackTtlMs',
  'blockingTimeoutMs',
  'registryTtlMs',
  'clockSyncIntervalMs',
  'ackNoticeMaxLen',
  'maxSignalBytes',
  'readBatchSize',
  'workTtlMs',
] as const satisfies readonly (keyof CoordinatorConfig)[];

function pickDefaults(): CoordinatorConfig {
  return Object.fromEntries(CONFIG_KEYS.map((key) => [key, DEFAULTS[key]])) as CoordinatorConfig;
}
