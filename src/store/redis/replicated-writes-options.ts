import * as z from 'zod';
import { InvalidConfigError } from '../../protocol/errors.js';
import { readEnvVariable, type EnvBinding } from '../../protocol/options.js';

/** The replicated-writes mode: a send or an ACK resolves once this many replicas confirm it. */
export interface ReplicatedWrites {
  /** Replicas that must confirm each send and ACK (WAIT numreplicas), at least 1. */
  replicas: number;
  /** How long to wait for them before failing with ReplicationShortfallError, ms. Default 1000. */
  timeoutMs?: number;
}

export const REPLICA_WAIT_DEFAULT_MS = 1_000;

const replicatedWritesSchema = z.strictObject({
  replicas: z.number().int().min(1).max(100),
  timeoutMs: z.number().int().min(1).max(60_000).optional(),
});

/** The environment variables of the mode: RENDEZVOUS_REPLICATED_WRITES=0 (or unset) leaves it off. */
const ENV = {
  replicas: { variable: 'RENDEZVOUS_REPLICATED_WRITES', unit: 'count' },
  timeoutMs: { variable: 'RENDEZVOUS_REPLICATED_WRITES_TIMEOUT_MS', unit: 'ms' },
} as const satisfies Record<string, EnvBinding>;

/**
 * The mode as given (an option wins over the environment), checked; undefined when off. `false`
 * turns it off whatever the environment says.
 */
export function resolveReplicatedWrites(given: ReplicatedWrites | false | undefined, env: NodeJS.ProcessEnv = {}): ReplicatedWrites | undefined {
  if (given === false) return undefined;
  let value: unknown = given;
  if (value === undefined) {
    const replicas = readEnvVariable(env, ENV.replicas);
    if (replicas === undefined || replicas === 0) return undefined;
    const timeoutMs = readEnvVariable(env, ENV.timeoutMs);
    value = { replicas, ...(timeoutMs !== undefined ? { timeoutMs } : {}) };
  }
  const parsed = replicatedWritesSchema.safeParse(value);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => `replicatedWrites${issue.path.length ? `.${issue.path.join('.')}` : ''}: ${issue.message}`).join('; ');
    throw new InvalidConfigError(detail, { issues: parsed.error.issues });
  }
  return parsed.data;
}
