import * as z from 'zod';
import { InvalidConfigError } from '../protocol/errors.js';

/** The shortest API token accepted: a guessable token is worse than none, which at least closes /api. */
export const MIN_TOKEN_LENGTH = 16;

/** What `rendezvous serve` is configured with: flags first, then the environment, then these defaults. */
export const daemonConfigSchema = z.object({
  /** Address to bind; loopback unless told otherwise. Env RENDEZVOUS_HOST. */
  host: z.string().min(1),
  /** Port; 0 picks a free one (printed on the first stdout line). Env RENDEZVOUS_PORT. */
  port: z.number().int().min(0).max(65_535),
  /** Read-write token for /api. Env RENDEZVOUS_API_TOKEN (never a flag: flags show in `ps`). */
  apiToken: z.string().min(MIN_TOKEN_LENGTH).optional(),
  /** Read-only token for /api. Env RENDEZVOUS_API_READ_TOKEN. */
  readToken: z.string().min(MIN_TOKEN_LENGTH).optional(),
  /** Whether the mutating routes exist (`--no-mutations` / RENDEZVOUS_API_MUTATIONS=false: they answer 403). */
  mutations: z.boolean(),
  /** The stale-state cleanup runs on the leader this often, ms. Env RENDEZVOUS_CLEANUP_INTERVAL_MS. */
  cleanupIntervalMs: z.number().int().positive(),
  /** The supervisors' election namespace. */
  namespace: z.string(),
  /** Supervisor check interval and dead threshold, ms (undefined: the library's, DEAD_THRESHOLD for the latter). */
  checkIntervalMs: z.number().int().positive().optional(),
  deadThresholdMs: z.number().int().positive().optional(),
  maxWarnings: z.number().int().positive().optional(),
  /** The election's lease, ms (undefined: the library's 15 s). */
  leaseTimeoutMs: z.number().int().positive().optional(),
  /** Largest request body, bytes. */
  bodyLimitBytes: z.number().int().positive(),
  /** Largest SSE send buffer per client, bytes: a client that falls this far behind is dropped. */
  sseBufferBytes: z.number().int().positive(),
  /** Comment line sent to every SSE client this often, ms. */
  keepaliveMs: z.number().int().positive(),
  /** How long a SIGTERM may take before the process exits anyway, ms. */
  shutdownTimeoutMs: z.number().int().positive(),
});

export type DaemonConfig = z.output<typeof daemonConfigSchema>;

export const daemonDefaults = {
  host: '127.0.0.1',
  port: 8080,
  mutations: true,
  cleanupIntervalMs: 300_000,
  namespace: 'supervisor',
  bodyLimitBytes: 1_048_576 + 65_536,
  sseBufferBytes: 1_048_576,
  keepaliveMs: 15_000,
  shutdownTimeoutMs: 20_000,
} as const;

/** Flags as commander gives them (strings and booleans; undefined when not given). */
export interface DaemonFlags {
  host?: string;
  port?: string;
  mutations?: boolean;
  cleanupIntervalMs?: string;
  namespace?: string;
  checkIntervalMs?: string;
  deadThresholdMs?: string;
  maxWarnings?: string;
  leaseTimeoutMs?: string;
  keepaliveMs?: string;
  sseBufferBytes?: string;
}

/** The daemon's configuration from flags and environment; InvalidConfigError names what is wrong. */
export function resolveDaemonConfig(flags: DaemonFlags, env: NodeJS.ProcessEnv): DaemonConfig {
  const int = (name: string, value: string | undefined): number | undefined => {
    if (value === undefined || value === '') return undefined;
    if (!/^\d+$/.test(value)) throw new InvalidConfigError(`${name} must be a whole number, got ${JSON.stringify(value)}`);
    return Number(value);
  };
  const mutationsEnv = env.RENDEZVOUS_API_MUTATIONS;
  if (mutationsEnv !== undefined && !['true', 'false', '1', '0', ''].includes(mutationsEnv)) {
    throw new InvalidConfigError(`RENDEZVOUS_API_MUTATIONS must be true or false, got ${JSON.stringify(mutationsEnv)}`);
  }
  const candidate = {
    host: flags.host ?? (env.RENDEZVOUS_HOST || daemonDefaults.host),
    port: int('--port', flags.port) ?? int('RENDEZVOUS_PORT', env.RENDEZVOUS_PORT) ?? daemonDefaults.port,
    apiToken: env.RENDEZVOUS_API_TOKEN || undefined,
    readToken: env.RENDEZVOUS_API_READ_TOKEN || undefined,
    mutations: flags.mutations === false ? false : !['false', '0'].includes(mutationsEnv ?? ''),
    cleanupIntervalMs: int('--cleanup-interval-ms', flags.cleanupIntervalMs) ?? int('RENDEZVOUS_CLEANUP_INTERVAL_MS', env.RENDEZVOUS_CLEANUP_INTERVAL_MS) ?? daemonDefaults.cleanupIntervalMs,
    namespace: flags.namespace ?? daemonDefaults.namespace,
    checkIntervalMs: int('--check-interval-ms', flags.checkIntervalMs),
    deadThresholdMs: int('--dead-threshold-ms', flags.deadThresholdMs),
    maxWarnings: int('--max-warnings', flags.maxWarnings),
    leaseTimeoutMs: int('--lease-timeout-ms', flags.leaseTimeoutMs),
    bodyLimitBytes: daemonDefaults.bodyLimitBytes,
    sseBufferBytes: int('--sse-buffer-bytes', flags.sseBufferBytes) ?? daemonDefaults.sseBufferBytes,
    keepaliveMs: int('--keepalive-ms', flags.keepaliveMs) ?? daemonDefaults.keepaliveMs,
    shutdownTimeoutMs: daemonDefaults.shutdownTimeoutMs,
  };
  const parsed = daemonConfigSchema.safeParse(candidate);
  if (!parsed.success) {
    // Never echo a token back: name the field and the rule only.
    throw new InvalidConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
  }
  const config = parsed.data;
  if (config.apiToken !== undefined && config.apiToken === config.readToken) {
    throw new InvalidConfigError('RENDEZVOUS_API_READ_TOKEN must differ from RENDEZVOUS_API_TOKEN (a read-only token that equals the read-write one grants writes)');
  }
  return config;
}
