/**
 * What the read commands share: the `--redis-url` and `--json` flags, the keyring from the
 * library's environment variables, and the judgement thresholds the daemon uses.
 */
import type { Command } from 'commander';
import { resolveKeyring } from '../core/secrets.js';
import { coordinatorDefaults } from '../core/coordinator-options.js';
import type { Keyring } from '../protocol/keyring.js';
import { quiet } from './context.js';
import { supervisorDefaults } from '../supervision/supervisor-options.js';
import { parseDuration } from './io/duration.js';

export interface ReadFlags {
  redisUrl?: string;
  json?: boolean;
}

/** Adds the flags every command that reads the store takes. */
export function storeFlags(command: Command): Command {
  return command.option('--redis-url <url>', 'the coordinators\' Redis (env REDIS_URL)').option('--json', 'one JSON document on stdout (docs/cli-operator.md)');
}


/** The keyring of BLOCKING_COORDINATION_SECRET[_NEW]: a typed error when missing or short. */
export function envKeyring(env: NodeJS.ProcessEnv = process.env): Keyring {
  return resolveKeyring({}, env, quiet);
}

/** The keyring, or undefined without a usable secret (reads then show signals as unverified). */
export function optionalKeyring(env: NodeJS.ProcessEnv = process.env): Keyring | undefined {
  try {
    return envKeyring(env);
  } catch {
    return undefined;
  }
}

/** The supervisor's dead threshold (env DEAD_THRESHOLD, ms), so the CLI and the daemon judge alike. */
export function deadThresholdMs(env: NodeJS.ProcessEnv = process.env): number {
  return env.DEAD_THRESHOLD ? parseDuration(env.DEAD_THRESHOLD, 'DEAD_THRESHOLD') : (supervisorDefaults.deadThresholdMs as number);
}

export const replayWindowMs = coordinatorDefaults.replayWindowMs;

/** A short age for a table: 850ms, 12s, 4m, 3h. */
export function age(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)}s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)}m`;
  return `${Math.round(ms / 3_600_000)}h`;
}
