/**
 * Runs tasks at most `maxRunning` at once, keeps at most `maxWaiting` waiting their turn (first in,
 * first out) and refuses the rest: however many events arrive, the number of processes they start
 * stays bounded.
 */
export class BoundedQueue {
  readonly #maxRunning: number;
  readonly #maxWaiting: number;
  readonly #waiting: (() => void)[] = [];
  #running = 0;
  #started = 0;

  constructor(maxRunning: number, maxWaiting: number) {
    this.#maxRunning = maxRunning;
    this.#maxWaiting = maxWaiting;
  }

  get running(): number {
    return this.#running;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  /** Tasks started so far. */
  get started(): number {
    return this.#started;
  }

  /**
   * Runs `task` now or once a running one has ended; settles when it has (never rejects: a task
   * reports its own failures). Returns undefined, starting nothing, when the queue is full.
   */
  offer(task: () => Promise<void>): Promise<void> | undefined {
    if (this.#running >= this.#maxRunning && this.#waiting.length >= this.#maxWaiting) return undefined;
    return new Promise<void>((resolve) => {
      const start = (): void => {
        this.#running += 1;
        this.#started += 1;
        void task()
          .catch(() => undefined)
          .finally(() => {
            this.#running -= 1;
            this.#waiting.shift()?.();
            resolve();
          });
      };
      if (this.#running < this.#maxRunning) start();
      else this.#waiting.push(start);
    });
  }
}
