/** Coordinators of one process that start at once on one store; the others wait their turn. */
const AT_ONCE = 64;

const gates = new WeakMap<object, StartGate>();

/**
 * Lets at most 64 coordinators of a process start at once on one store: a fleet started together
 * then syncs clocks, opens inboxes and registers 64 at a time, not all at once. With all of it in
 * flight together, V8 sees the client's per-command objects survive collection after collection
 * and allocates them in the old generation from then on (allocation-site pretenuring): every later
 * command's garbage then waits for a major collection, one every 20 to 40 s in an idle fleet of
 * 1,000 (docs/performance.md, seventh pass). It also spares the store a thousand clients' start at once.
 */
export class StartGate {
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  /** The gate of `store`, made on first use (held weakly: it goes with its store). */
  static of(store: object): StartGate {
    let gate = gates.get(store);
    if (!gate) gates.set(store, (gate = new StartGate()));
    return gate;
  }

  /**
   * Runs `start` once fewer than 64 others are under way; each ending hands its turn on. `cancel`
   * aborted while it waits for its turn: it leaves the line and rejects with the signal's reason.
   */
  async admit<T>(start: () => Promise<T>, cancel?: AbortSignal): Promise<T> {
    if (this.#running < AT_ONCE) this.#running += 1;
    else await this.#turn(cancel); // handed its turn by the one ending
    try {
      return await start();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running -= 1;
    }
  }

  #turn(cancel: AbortSignal | undefined): Promise<void> {
    if (cancel?.aborted) return Promise.reject(cancel.reason);
    return new Promise<void>((resolve, reject) => {
      const take = (): void => {
        cancel?.removeEventListener('abort', leave);
        resolve();
      };
      const leave = (): void => {
        this.#waiting.splice(this.#waiting.indexOf(take), 1);
        reject(cancel!.reason);
      };
      this.#waiting.push(take);
      cancel?.addEventListener('abort', leave, { once: true });
    });
  }
}
