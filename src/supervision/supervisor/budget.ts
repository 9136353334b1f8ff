/**
 * How many of one action (escalations, spawns) the supervisor may take: at most `perCheck` in one
 * check and `perWindow` in any `windowMs` (a sliding window on the monotonic clock). An action
 * over budget is not dropped: its caller leaves it for a later check and counts it as capped.
 */
export class ActionBudget {
  readonly #perCheck: number;
  readonly #perWindow: number;
  readonly #windowMs: number;
  readonly #clock: () => number;
  /** Monotonic ms of the actions taken within the window, oldest first (at most perWindow). */
  readonly #taken: number[] = [];
  #thisCheck = 0;
  #capped = 0;

  constructor(limits: { perCheck: number; perWindow: number; windowMs: number }, clock: () => number = () => performance.now()) {
    this.#perCheck = limits.perCheck;
    this.#perWindow = limits.perWindow;
    this.#windowMs = limits.windowMs;
    this.#clock = clock;
  }

  /** Actions left for later because the budget was spent, since the supervisor started. */
  get capped(): number {
    return this.#capped;
  }

  /** A new check: its own per-check allowance (the window carries on). */
  beginCheck(): void {
    this.#thisCheck = 0;
  }

  /** Whether one more action fits now. */
  available(): boolean {
    const now = this.#clock();
    while (this.#taken.length > 0 && this.#taken[0]! <= now - this.#windowMs) this.#taken.shift();
    return this.#thisCheck < this.#perCheck && this.#taken.length < this.#perWindow;
  }

  /** Takes one action's allowance if it fits; otherwise counts one action capped. */
  take(): boolean {
    if (!this.available()) {
      this.#capped += 1;
      return false;
    }
    this.#thisCheck += 1;
    this.#taken.push(this.#clock());
    return true;
  }

  /** Gives back the allowance of an action that turned out not to happen (an escalation that already existed). */
  refund(): void {
    if (this.#thisCheck > 0) this.#thisCheck -= 1;
    this.#taken.pop();
  }

  /** Counts `n` actions left for later without asking (the rest of a check once the budget is spent). */
  countCapped(n: number): void {
    this.#capped += n;
  }
}
