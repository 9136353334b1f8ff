import { spawn } from 'node:child_process';
import { InvalidConfigError } from '../protocol/errors.js';
import type { Logger } from '../protocol/logger.js';
import { readEnvVariable, type EnvBinding } from '../protocol/options.js';
import { BoundedQueue } from './bounded-queue.js';
import { assertNoSecretNames, childEnv } from './child-env.js';
import { ThrottledReport } from './throttled-report.js';

/** The lifecycle hooks of the runbooks, plus the supervisor's two. */
export type HookName = 'on_blocking_start' | 'on_blocking_timeout' | 'on_signal_received' | 'on_coordinator_dead' | 'on_escalation';

export interface HookOptions {
  /** Shell command per hook; default: env HOOK_<NAME> (e.g. HOOK_ON_BLOCKING_TIMEOUT). */
  commands?: Partial<Record<HookName, string>>;
  /** Run hooks at all; default: env ENABLE_TIMEOUT_HOOKS is `true` or `1`. */
  enabled?: boolean;
  /** A hook still running after this is killed, ms. Default 5 000. */
  timeoutMs?: number;
  /** Hook processes running at once; more wait in a queue. Default 4. */
  maxConcurrent?: number;
  /** Hook runs waiting for a turn; beyond this a run is dropped (counted, logged once per minute). Default 100. */
  maxQueued?: number;
  /** Variables of `env` passed on to the hooks beside the minimal environment (names holding a secret are refused). Default none. */
  passEnv?: string[];
  env?: NodeJS.ProcessEnv;
}

/** A hook is a short shell command: one still running after 5 s is killed; 4 run at once, 100 wait. */
export const hookDefaults = { timeoutMs: 5_000, maxConcurrent: 4, maxQueued: 100 } as const;

/** Dropped hook runs are reported at most once per minute. */
const DROP_REPORT_INTERVAL_MS = 60_000;

/** ENABLE_TIMEOUT_HOOKS, read like every other variable: `true`/`1` or `false`/`0`, anything else refused. */
const ENABLE_HOOKS: EnvBinding = { variable: 'ENABLE_TIMEOUT_HOOKS', unit: 'boolean' };

type HookVariables = Record<string, string | number | readonly string[] | undefined>;

export interface HookMetrics {
  /** Hook processes started. */
  started: number;
  /** Hook runs dropped because maxConcurrent were running and maxQueued waiting. */
  dropped: number;
}

/** What run() returns when nothing runs: one settled promise, not one per wait. */
const DONE = Promise.resolve();

/**
 * Runs the operator's lifecycle hooks: a shell command per event, with the event in environment
 * variables (AGENT_ID, SWARM_ID, ITERATION, PHASE, MISSING_COORDINATORS, ...) beside a minimal
 * environment (PATH, HOME, locale, TMPDIR and what passEnv lists: never the signing secret).
 * Fire and forget: a hook that fails or outlives its timeout is logged and killed, never awaited
 * by the caller and never fatal. At most maxConcurrent run at once and maxQueued wait; a flood of
 * events beyond that is dropped and counted, never an unbounded number of processes.
 */
export class Hooks {
  readonly #commands: Partial<Record<HookName, string>>;
  readonly #timeoutMs: number;
  readonly #logger: Logger;
  /**
   * What running hooks takes (their base environment, queue and drop report), made only when a
   * hook can run: hooks are off by default, and a fleet's idle coordinators then keep none of it.
   */
  readonly #runner: { baseEnv: NodeJS.ProcessEnv; queue: BoundedQueue; drops: ThrottledReport } | undefined;
  #dropped = 0;

  constructor(options: HookOptions, logger: Logger) {
    const env = options.env ?? process.env;
    const enabled = options.enabled ?? readEnvVariable(env, ENABLE_HOOKS) === true;
    this.#timeoutMs = options.timeoutMs ?? hookDefaults.timeoutMs;
    const maxConcurrent = options.maxConcurrent ?? hookDefaults.maxConcurrent;
    const maxQueued = options.maxQueued ?? hookDefaults.maxQueued;
    positiveWhole('hooks.timeoutMs', this.#timeoutMs, 1);
    positiveWhole('hooks.maxConcurrent', maxConcurrent, 1);
    positiveWhole('hooks.maxQueued', maxQueued, 0);
    assertNoSecretNames(options.passEnv ?? [], 'hooks.passEnv');
    this.#logger = logger;
    const names: HookName[] = ['on_blocking_start', 'on_blocking_timeout', 'on_signal_received', 'on_coordinator_dead', 'on_escalation'];
    this.#commands = Object.fromEntries(names.flatMap((name) => {
      const command = options.commands?.[name] ?? env[`HOOK_${name.toUpperCase()}`];
      return command ? [[name, command]] : [];
    }));
    this.#runner = enabled && Object.keys(this.#commands).length > 0
      ? {
          baseEnv: childEnv({ pass: options.passEnv, from: env }),
          queue: new BoundedQueue(maxConcurrent, maxQueued),
          drops: new ThrottledReport(
            ({ counts }) => this.#logger.warn({ dropped: counts, maxConcurrent, maxQueued }, 'hook runs dropped: the hook queue was full (counts since the last report)'),
            DROP_REPORT_INTERVAL_MS,
          ),
        }
      : undefined;
  }

  /** Whether run(name) would start anything: a wait with no hook to run builds no variables. */
  wants(name: HookName): boolean {
    return this.#runner !== undefined && this.#commands[name] !== undefined;
  }

  get metrics(): HookMetrics {
    return { started: this.#runner?.queue.started ?? 0, dropped: this.#dropped };
  }

  /**
   * Starts the hook's command if hooks are enabled and it has one (or queues it while maxConcurrent
   * run); resolves when it has ended or was dropped (for tests). `variables` may be a function, so
   * that a wait builds nothing when no hook runs.
   */
  run(name: HookName, variables: HookVariables | (() => HookVariables)): Promise<void> {
    const command = this.#commands[name];
    const runner = this.#runner; // made only when hooks are enabled and some hook has a command
    if (!runner || !command) return DONE;
    const env: NodeJS.ProcessEnv = { ...runner.baseEnv, HOOK: name };
    for (const [key, value] of Object.entries(typeof variables === 'function' ? variables() : variables)) if (value !== undefined) env[key] = Array.isArray(value) ? value.join(',') : String(value);
    const running = runner.queue.offer(() => this.#spawn(name, command, env));
    if (running) return running;
    this.#dropped += 1;
    runner.drops.add(name);
    runner.drops.flush();
    return DONE;
  }

  #spawn(name: HookName, command: string, env: NodeJS.ProcessEnv): Promise<void> {
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

function positiveWhole(option: string, value: number, minimum: 0 | 1): void {
  if (!(Number.isInteger(value) && value >= minimum)) throw new InvalidConfigError(`${option} must be a whole number >= ${minimum}, got ${String(value)}`);
}
