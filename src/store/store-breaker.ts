import { createRequire } from 'node:module';
import type * as Cockatiel from 'cockatiel';
import type { CircuitBreakerPolicy, CircuitState, ConsecutiveBreaker, IBackoff, IBackoffFactory, IDisposable } from 'cockatiel';
import { StoreCircuitOpenError, StoreUnavailableError } from '../protocol/errors.js';
import type { Logger } from '../protocol/logger.js';
import type { BreakerConfig } from './breaker-options.js';
import { defaultLogger } from './default-logger.js';

/**
 * cockatiel, loaded when the first breaker that can open is made rather than with this module: a
 * store without one (`breaker: false`, as every CLI command opens it; the memory store) never
 * needs it. cockatiel is CommonJS to Node, so require() gives the module an import would.
 */
let cockatiel: typeof Cockatiel | undefined;
const loadCockatiel = (): typeof Cockatiel => (cockatiel ??= createRequire(import.meta.url)('cockatiel') as typeof Cockatiel);

/** `closed`: operations go to the store. `open`: they fail at once. `half-open`: a probe is asking the store. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** One transition of a breaker, as its listeners get it. */
export interface BreakerStateChange {
  state: BreakerState;
  previous: BreakerState;
  /** When, epoch ms (this machine's clock). */
  at: number;
  /** On opening: the failure that opened it (the last of `threshold` in a row, or the failed probe's). */
  cause?: Error;
  /** On opening: when the next probe is, epoch ms. */
  nextProbeAt?: number;
  /** On closing: true when reset() closed it rather than a probe. */
  reset?: boolean;
}

/** What an operator's dashboard shows of a breaker: plain JSON. */
export interface BreakerSnapshot {
  state: BreakerState;
  /** False for a breaker that never opens (the memory store's, or `breaker: false`). */
  enabled: boolean;
  /** When it entered its state, epoch ms. */
  since: number;
  /** When it first opened in the current outage (failed probes do not move it), epoch ms; null while closed. */
  openSince: number | null;
  /** When open: the next probe, epoch ms; else null. */
  nextProbeAt: number | null;
  /** Operations in a row that found the store unreachable; any answer resets it. */
  consecutiveFailures: number;
  /** Failures in a row that open it; null when disabled. */
  threshold: number | null;
  /** Times it opened since the store was made (a failed probe opens it again). */
  opened: number;
  /** The last operation that found the store unreachable. */
  lastFailure: { operation: string; message: string; at: number } | null;
}

export interface StoreBreakerDeps {
  /** Resolved options (breaker-options.ts); `false`: a breaker that never opens. */
  config: BreakerConfig | false;
  /** Where each state change is logged, once. Default: the default logger (asked for only when something is logged). */
  logger?: Logger;
  /** Asks the store whether it answers (Redis: PING), when a probe is due; it fails with StoreUnavailableError when it does not. */
  probe: () => Promise<unknown>;
  /** The store's close: no probe after it. */
  closed?: AbortSignal;
}

/** An operation's outcome inside the policy: a refusal is the store answering, so not a failure of the breaker's. */
type Outcome<T> = { value: T } | { refused: unknown };

/**
 * A store's circuit breaker (cockatiel's ConsecutiveBreaker): `threshold` operations in a row that
 * find the store unreachable (StoreUnavailableError) open it; while open, every operation fails
 * at once with StoreCircuitOpenError without touching the store. A probe (one PING) follows after
 * halfOpenAfterMs, doubling after each failed one up to maxHalfOpenAfterMs; the breaker is
 * half-open while it runs (operations still fail at once: none of them is held for it) and closes
 * when it is answered. The probe is timed here, not left to the next operation: the breaker closes
 * by itself in a process that makes no call, and a long blocking read is never the probe. While
 * closed, operations go straight to the store and the counter hears their outcomes (cockatiel's
 * execute runs only for the failures that count): one promise per operation, not five.
 */
export class StoreBreaker {
  readonly #deps: StoreBreakerDeps;
  readonly #listeners = new Set<(change: BreakerStateChange) => void>();
  #policy: CircuitBreakerPolicy | undefined;
  #counter: ConsecutiveBreaker | undefined;
  #subscription: IDisposable | undefined;
  #state: BreakerState = 'closed';
  #since = Date.now();
  #openSince = 0;
  #nextProbeAt = 0;
  /** The delay the policy chose when it last opened (recorded by the backoff it asked). */
  #delayMs = 0;
  #opened = 0;
  #lastFailure: BreakerSnapshot['lastFailure'] = null;
  #probeTimer: NodeJS.Timeout | undefined;

  constructor(deps: StoreBreakerDeps) {
    this.#deps = deps;
    if (deps.config) this.#start(deps.config);
    deps.closed?.addEventListener('abort', () => clearTimeout(this.#probeTimer), { once: true });
  }

  get state(): BreakerState {
    return this.#state;
  }

  /** Calls `listener` on each state change; returns the function that stops it. A listener that throws is logged and ignored. */
  onStateChange(listener: (change: BreakerStateChange) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  snapshot(): BreakerSnapshot {
    const { config } = this.#deps;
    return {
      state: this.#state,
      enabled: config !== false,
      since: this.#since,
      openSince: this.#state === 'closed' ? null : this.#openSince,
      nextProbeAt: this.#state === 'open' ? this.#nextProbeAt : null,
      consecutiveFailures: this.#counter?.state ?? 0,
      threshold: config ? config.threshold : null,
      opened: this.#opened,
      lastFailure: this.#lastFailure && { ...this.#lastFailure },
    };
  }

  /**
   * Closes the breaker now, by hand (after fixing what kept the store away, or to try at once):
   * the failure count starts again from 0. A probe under way still ends, unheard. Listeners stay.
   */
  reset(): void {
    const { config } = this.#deps;
    if (!config) return;
    const previous = this.#state;
    this.#subscription?.dispose();
    clearTimeout(this.#probeTimer);
    this.#start(config);
    if (previous === 'closed') return;
    this.#logger.info({ previous }, 'store circuit breaker closed: reset by hand');
    this.#move({ state: 'closed', previous, at: Date.now(), reset: true });
  }

  /** Runs one store operation through the breaker: at once when closed, else fails with StoreCircuitOpenError. */
  run<T>(operation: string, call: () => Promise<T>): Promise<T> {
    const policy = this.#policy;
    if (!policy) return call();
    if (this.#state !== 'closed') return Promise.reject(this.#openError(operation));
    // Closed: straight to the store, with none of the policy's promises and result objects on the
    // way; the counter hears each outcome as the policy's own execute would tell it.
    return call().then(
      (value) => {
        this.#counter!.success();
        return value;
      },
      (error: unknown) => this.#failed(policy, operation, error),
    );
  }

  /**
   * A call begun while closed failed. A refusal, a closed store or a caller's error is the store
   * answering (the count starts again). "The store did not answer" goes through the policy while it
   * is still closed, which counts it and opens at the threshold; once the breaker has opened, a
   * failure of a call begun before is old news and counts for nothing (the probe says whether the
   * store is back), and never waits for a probe under way.
   */
  #failed(policy: CircuitBreakerPolicy, operation: string, error: unknown): never | Promise<never> {
    if (!(error instanceof StoreUnavailableError)) {
      this.#counter!.success();
      throw error;
    }
    this.#lastFailure = { operation, message: error.message, at: Date.now() };
    if (policy !== this.#policy || this.#state !== 'closed') throw error;
    return policy.execute(() => Promise.reject(error)) as Promise<never>;
  }

  async #execute<T>(policy: CircuitBreakerPolicy, operation: string, call: () => Promise<T>): Promise<T> {
    let outcome: Outcome<T>;
    try {
      outcome = await policy.execute(async (): Promise<Outcome<T>> => {
        try {
          return { value: await call() };
        } catch (error) {
          // Only "the store did not answer" counts: a refusal, a closed store or a caller's error is an answer.
          if (!(error instanceof StoreUnavailableError)) return { refused: error };
          this.#lastFailure = { operation, message: error.message, at: Date.now() };
          throw error;
        }
      });
    } catch (error) {
      throw error instanceof loadCockatiel().BrokenCircuitError ? this.#openError(operation) : error;
    }
    if ('refused' in outcome) throw outcome.refused;
    return outcome.value;
  }

  #start(config: BreakerConfig): void {
    const { ConsecutiveBreaker, circuitBreaker, handleAll } = loadCockatiel();
    const counter = new ConsecutiveBreaker(config.threshold);
    const policy = circuitBreaker(handleAll, { breaker: counter, halfOpenAfter: this.#backoff(config) });
    this.#subscription = policy.onStateChange((state) => this.#changed(policy, state));
    this.#policy = policy;
    this.#counter = counter;
  }

  /** 1, 2, 4, 8 s by default: no jitter, so an operator can tell when the next probe is. */
  #backoff(config: BreakerConfig): IBackoffFactory<unknown> {
    const { ExponentialBackoff, noJitterGenerator } = loadCockatiel();
    const exponential = new ExponentialBackoff({ initialDelay: config.halfOpenAfterMs, maxDelay: config.maxHalfOpenAfterMs, exponent: 2, generator: noJitterGenerator });
    const recorded = (backoff: IBackoff<unknown>): IBackoff<unknown> => {
      this.#delayMs = backoff.duration;
      return { duration: backoff.duration, next: (context) => recorded(backoff.next(context)) };
    };
    return { next: () => recorded(exponential.next()) };
  }

  /** The policy moved (cockatiel emits synchronously, right after the move). */
  #changed(policy: CircuitBreakerPolicy, circuit: CircuitState): void {
    // A policy replaced by reset(), or a probe that ended with the store's close: nothing to tell.
    if (policy !== this.#policy || this.#deps.closed?.aborted) return;
    const { CircuitState: State } = loadCockatiel();
    const logger = this.#logger;
    const previous = this.#state;
    const at = Date.now();
    if (circuit === State.Open) {
      const failure = policy.lastFailure;
      const cause = failure && 'error' in failure ? failure.error : undefined;
      if (previous === 'closed') this.#openSince = at;
      this.#nextProbeAt = at + this.#delayMs;
      this.#opened += 1;
      this.#armProbe();
      const fields = { err: cause, consecutiveFailures: this.#counter?.state, retryAfterMs: this.#delayMs, nextProbeAt: new Date(this.#nextProbeAt).toISOString() };
      // The first opening is the news; each failed probe after it is one more line, not a warning.
      if (previous === 'closed') logger.warn(fields, 'store circuit breaker open: the store is unreachable; its operations fail at once until a probe is answered');
      else logger.info(fields, 'store circuit breaker open again: the probe was not answered');
      this.#move({ state: 'open', previous, at, ...(cause ? { cause } : {}), nextProbeAt: this.#nextProbeAt });
    } else if (circuit === State.HalfOpen) {
      logger.info({}, 'store circuit breaker half-open: probing the store');
      this.#move({ state: 'half-open', previous, at });
    } else if (circuit === State.Closed) {
      logger.info({ openForMs: at - this.#openSince }, 'store circuit breaker closed: the store answers again');
      this.#move({ state: 'closed', previous, at });
    }
  }

  #move(change: BreakerStateChange): void {
    this.#state = change.state;
    this.#since = change.at;
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch (error) {
        this.#logger.error({ err: error }, 'a circuit breaker listener threw; ignored');
      }
    }
  }

  get #logger(): Logger {
    return this.#deps.logger ?? defaultLogger();
  }

  #armProbe(): void {
    clearTimeout(this.#probeTimer);
    if (this.#deps.closed?.aborted) return;
    this.#probeTimer = setTimeout(() => this.#probe(), Math.max(0, this.#nextProbeAt - Date.now()));
    this.#probeTimer.unref();
  }

  #probe(): void {
    const policy = this.#policy;
    if (!policy || this.#state !== 'open' || this.#deps.closed?.aborted) return;
    if (Date.now() < this.#nextProbeAt) return this.#armProbe(); // a timer may fire a little early by the wall clock
    // Its outcome moves the breaker (closed, or open again with a longer delay); nobody else awaits it.
    this.#execute(policy, 'probe', this.#deps.probe).catch(() => undefined);
  }

  #openError(operation: string): StoreCircuitOpenError {
    const retryAfterMs = this.#state === 'open' ? Math.max(0, this.#nextProbeAt - Date.now()) : 0;
    return new StoreCircuitOpenError(operation, this.#openSince, retryAfterMs);
  }
}
