import { spawn } from 'node:child_process';
import { InvalidConfigError } from '../protocol/errors.js';
import type { Logger } from '../protocol/logger.js';
import { readEnvVariable, type EnvBinding } from '../protocol/options.js';

/** The lifecycle hooks of the runbooks, plus the supervisor's two. */
export type HookName = 'on_blocking_start' | 'on_blocking_timeout' | 'on_signal_received' | 'on_coordinator_dead' | 'on_escalation';

export interface HookOptions {
  /** Shell command per hook; default: env HOOK_<NAME> (e.g. HOOK_ON_BLOCKING_TIMEOUT). */
  commands?: Partial<Record<HookName, string>>;
  /** Run hooks at all; default: env ENABLE_TIMEOUT_HOOKS is `true` or `1`. */
  enabled?: boolean;
  /** A hook still running after this is killed, ms. Default 5 000. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** A hook is a short shell command: one still running after 5 s is killed. */
export const hookDefaults = { timeoutMs: 5_000 } as const;

/** ENABLE_TIMEOUT_HOOKS, read like every other variable: `true`/`1` or `false`/`0`, anything else refused. */
const ENABLE_HOOKS: EnvBinding = { variable: 'ENABLE_TIMEOUT_HOOKS', unit: 'boolean' };

/**
 * Runs the operator's lifecycle hooks: a shell command per event, with the event in environment
 * variables (AGENT_ID, SWARM_ID, ITERATION, PHASE, MISSING_COORDINATORS, ...). Fire and forget:
 * a hook that fails or outlives its timeout is logged and killed, never awaited by the caller and
 * never fatal.
 */
type HookVariables = Record<string, string | number | readonly string[] | undefined>;

export class Hooks {
  readonly #commands: Partial<Record<HookName, string>>;
  readonly #enabled: boolean;
  readonly #timeoutMs: number;
  readonly #logger: Logger;

  constructor(options: HookOptions, logger: Logger) {
    const env = options.env ?? process.env;
    this.#enabled = options.enabled ?? readEnvVariable(env, ENABLE_HOOKS) === true;
    this.#timeoutMs = options.timeoutMs ?? hookDefaults.timeoutMs;
    if (!(Number.isInteger(this.#timeoutMs) && this.#timeoutMs > 0)) throw new InvalidConfigError(`hooks.timeoutMs must be a positive whole number of ms, got ${String(this.#timeoutMs)}`);
    this.#logger = logger;
    const names: HookName[] = ['on_blocking_start', 'on_blocking_timeout', 'on_signal_received', 'on_coordinator_dead', 'on_escalation'];
    this.#commands = Object.fromEntries(names.flatMap((name) => {
      const command = options.commands?.[name] ?? env[`HOOK_${name.toUpperCase()}`];
      return command ? [[name, command]] : [];
    }));
  }

  /**
   * Starts the hook's command if hooks are enabled and it has one; resolves when it has ended (for
   * tests). `variables` may be a function, so that a wait builds nothing when no hook runs.
   */
  run(name: HookName, variables: HookVariables | (() => HookVariables)): Promise<void> {
    const command = this.#commands[name];
    if (!this.#enabled || !command) return Promise.resolve();
    const env: NodeJS.ProcessEnv = { ...process.env, HOOK: name };
    for (const [key, value] of Object.entries(typeof variables === 'function' ? variables() : variables)) if (value !== undefined) env[key] = Array.isArray(value) ? value.join(',') : String(value);
    return new Promise((resolve) => {
      const child = spawn(command, { shell: true, env, stdio: 'ignore', timeout: this.#timeoutMs, killSignal: 'SIGKILL' });
      child.once('error', (error) => {
        this.#logger.warn({ err: error, hook: name }, 'hook could not start');
        resolve();
      });
      child.once('exit', (code, signal) => {
        if (signal) this.#logger.warn({ hook: name, signal, timeoutMs: this.#timeoutMs }, 'hook killed: it ran past its timeout');
        else if (code !== 0) this.#logger.warn({ hook: name, code }, 'hook failed');
        resolve();
      });
    });
  }
}
