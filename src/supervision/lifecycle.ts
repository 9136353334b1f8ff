/** What a component does to start one run, and to stop it. */
export interface LifecycleSteps {
  /** Starts run `generation`; work it leaves going checks `isCurrent(generation)` and stops when it no longer is. */
  run(generation: number): Promise<void>;
  /** Stops the current run. Called at once (its synchronous part runs before stop() returns); `starting` is the run's start if still going. */
  halt(starting: Promise<void> | undefined): Promise<void>;
  /** start() was called while running. */
  alreadyRunning?(): void;
}

/**
 * The start()/stop() pair of a long-lived component, serialised: a start() during a stop() runs
 * after it, a stop() during a start() lets the halt wait for it, and of calls made in a row the
 * last one wins. Each run has a generation number, so work of an older run can tell it is over.
 */
export class Lifecycle {
  readonly #steps: LifecycleSteps;
  /** What the last call asked for: a start() waiting for a stop gives up if stop() is called again. */
  #wanted = false;
  #running = false;
  /** Bumped by every start and stop. */
  #generation = 0;
  /** A start in progress: a stop waits for it. */
  #starting: Promise<void> | undefined;
  /** A stop in progress: a start waits for it. */
  #stopping: Promise<void> | undefined;

  constructor(steps: LifecycleSteps) {
    this.#steps = steps;
  }

  /** Whether the last call was start(). */
  get wanted(): boolean {
    return this.#wanted;
  }

  /** Whether `generation` is the run going on now. */
  isCurrent(generation: number): boolean {
    return this.#running && generation === this.#generation;
  }

  async start(): Promise<void> {
    this.#wanted = true;
    if (this.#stopping) await this.#stopping;
    if (!this.#wanted) return; // stopped again while it waited
    if (this.#running) {
      this.#steps.alreadyRunning?.();
      return this.#starting;
    }
    this.#running = true;
    const starting = this.#steps.run(++this.#generation);
    this.#starting = starting;
    try {
      await starting;
    } finally {
      if (this.#starting === starting) this.#starting = undefined;
    }
  }

  /** Idempotent: a second call returns the stop in progress. */
  stop(): Promise<void> {
    this.#wanted = false;
    if (!this.#running) return this.#stopping ?? Promise.resolve();
    this.#running = false;
    this.#generation += 1;
    const stopping = this.#steps.halt(this.#starting?.catch(() => undefined)).finally(() => {
      if (this.#stopping === stopping) this.#stopping = undefined;
    });
    this.#stopping = stopping;
    return stopping;
  }
}
