/**
 * The one way every component resolves its options: its defaults, then the runbooks' environment
 * variables (read strictly: a malformed value fails, it never falls back), then what the caller
 * passed, checked by the component's zod schema. Every failure is an InvalidConfigError at start.
 */
import type * as z from 'zod';
import { InvalidConfigError } from './errors.js';

/** Longest timeout setTimeout can honour (2^31 - 1 ms, about 24.8 days): the bound of every `timeoutMs`. */
export const MAX_TIMEOUT_MS = 2_147_483_647;

/** How an environment variable is written: the runbooks give most durations in ms, HEARTBEAT_TTL in seconds. */
export type EnvUnit = 'ms' | 'seconds' | 'count' | 'boolean';

/** The environment variable that sets an option, and the unit it is written in. */
export interface EnvBinding {
  variable: string;
  unit: EnvUnit;
}

const PATTERNS: Record<EnvUnit, { pattern: RegExp; what: string }> = {
  ms: { pattern: /^\d+$/, what: 'a whole number of milliseconds' },
  seconds: { pattern: /^\d+(\.\d+)?$/, what: 'a number of seconds' },
  count: { pattern: /^\d+$/, what: 'a whole number' },
  boolean: { pattern: /^(true|false|1|0)$/, what: 'true, false, 1 or 0' },
};

/** One variable's value in the option's own unit (ms for durations); undefined when unset or empty. */
export function readEnvVariable(env: NodeJS.ProcessEnv, binding: EnvBinding): number | boolean | undefined {
  const raw = env[binding.variable];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = raw.trim();
  const { pattern, what } = PATTERNS[binding.unit];
  if (!pattern.test(value)) {
    throw new InvalidConfigError(`${binding.variable}=${JSON.stringify(raw)} is not ${what}`, { variable: binding.variable });
  }
  if (binding.unit === 'boolean') return value === 'true' || value === '1';
  return binding.unit === 'seconds' ? Math.round(Number(value) * 1000) : Number(value);
}

/** The options the environment sets, by option name. */
function readEnv(env: NodeJS.ProcessEnv, bindings: Readonly<Record<string, EnvBinding>>): Record<string, number | boolean> {
  const out: Record<string, number | boolean> = {};
  for (const [option, binding] of Object.entries(bindings)) {
    const value = readEnvVariable(env, binding);
    if (value !== undefined) out[option] = value;
  }
  return out;
}

export interface ResolveOptions<S extends z.ZodType> {
  schema: S;
  /** Every option's default (the schema's input with nothing left out). */
  defaults: z.input<S>;
  /** What the caller passed; keys set to undefined count as unset, keys the schema does not know are dropped. */
  options?: object;
  /** The variables that set options, and the environment to read them from. */
  env?: { bindings: Readonly<Record<string, EnvBinding>>; values: NodeJS.ProcessEnv };
}

/** Defaults, then environment, then options, checked by the schema: the resolved options, or InvalidConfigError. */
export function resolveOptions<S extends z.ZodType>({ schema, defaults, options = {}, env }: ResolveOptions<S>): z.output<S> {
  const given = Object.fromEntries(Object.entries(options).filter(([key, value]) => value !== undefined && key in (defaults as object)));
  const merged = { ...(defaults as object), ...(env ? readEnv(env.values, env.bindings) : {}), ...given };
  const parsed = schema.safeParse(merged);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
    throw new InvalidConfigError(detail, { issues: parsed.error.issues });
  }
  return parsed.data;
}
