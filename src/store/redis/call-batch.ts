/** Most entries one script call carries: bounds how long one call holds Redis. */
const MAX_BATCH = 64;

interface Waiting<I, O> {
  input: I;
  resolve(output: O): void;
  reject(error: unknown): void;
}

/**
 * Coalesces calls into one Redis call per group (one hash slot), so N operations cost one write
 * and one reply instead of N: by default the calls made in the same turn (before the next
 * microtask checkpoint: a `Promise.all` of sends, or the ACKs of several pushes read in one socket
 * read), a lone call going one microtask later. Each entry's outcome is its own: `run` returns
 * an Error for an entry that failed, and only that caller sees it.
 */
export class CallBatch<I, O> {
  readonly #run: (inputs: I[]) => Promise<unknown[]>;
  readonly #groupOf: (input: I) => string;
  /**
   * The calls of this turn: the first group's apart from the rest, because nearly every turn has
   * one group, and a Map filled and cleared every turn allocates a new table each time.
   */
  #firstGroup: string | undefined;
  #first: Waiting<I, O>[] = [];
  #others: Map<string, Waiting<I, O>[]> | undefined;
  #scheduled = false;

  constructor(run: (inputs: I[]) => Promise<unknown[]>, groupOf: (input: I) => string) {
    this.#run = run;
    this.#groupOf = groupOf;
  }

  add(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      const group = this.#groupOf(input);
      this.#waitingIn(group).push({ input, resolve, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      queueMicrotask(this.#flushNow);
    });
  }

  readonly #flushNow = (): void => this.#flush();

  #waitingIn(group: string): Waiting<I, O>[] {
    if (this.#firstGroup === undefined) this.#firstGroup = group;
    if (group === this.#firstGroup) return this.#first;
    const others = (this.#others ??= new Map());
    let waiting = others.get(group);
    if (!waiting) others.set(group, (waiting = []));
    return waiting;
  }

  #flush(): void {
    this.#scheduled = false;
    const groups = [this.#first, ...(this.#others?.values() ?? [])];
    this.#firstGroup = undefined;
    this.#first = [];
    this.#others = undefined;
    for (const waiting of groups) {
      if (waiting.length <= MAX_BATCH) this.#send(waiting);
      else for (let start = 0; start < waiting.length; start += MAX_BATCH) this.#send(waiting.slice(start, start + MAX_BATCH));
    }
  }

  /** One call for the batch; each entry settles with its own output. No async function: a batch is one promise, not three. */
  #send(batch: Waiting<I, O>[]): void {
    let running: Promise<unknown[]>;
    try {
      running = this.#run(batch.map((w) => w.input));
    } catch (error) {
      running = Promise.reject(error);
    }
    running.then(
      (outputs) => {
        for (let i = 0; i < batch.length; i += 1) {
          const w = batch[i]!;
          const output = outputs[i];
          if (output instanceof Error) w.reject(output);
          else if (output === undefined) w.reject(new Error(`script returned ${outputs.length} results for ${batch.length} entries`));
          else w.resolve(output as O);
        }
      },
      (error: unknown) => {
        for (const w of batch) w.reject(error);
      },
    );
  }
}
