import type { Logger } from './logger.js';

/** Most kinds tracked at once: kinds are a fixed set (reasons, operations), never ids. */
const MAX_KINDS = 100;

interface Window {
  /** Lines held back since the window opened. */
  held: number;
  last: { fields: object; message: string };
  timer: NodeJS.Timeout;
}

/**
 * One log line per kind of event per interval: the first at once, the others counted and said in
 * one line when the interval ends. What a forger or a broken neighbour can make happen thousands
 * of times a second becomes a line per interval, not thousands.
 */
export class ThrottledLog {
  readonly #logger: Logger;
  readonly #level: 'info' | 'warn' | 'error';
  readonly #intervalMs: number;
  readonly #windows = new Map<string, Window>();

  constructor(logger: Logger, level: 'info' | 'warn' | 'error', intervalMs = 10_000) {
    this.#logger = logger;
    this.#level = level;
    this.#intervalMs = intervalMs;
  }

  note(kind: string, fields: object, message: string): void {
    const window = this.#windows.get(kind);
    if (window) {
      window.held += 1;
      window.last = { fields, message };
      return;
    }
    this.#logger[this.#level](fields, message);
    if (this.#windows.size >= MAX_KINDS) return;
    this.#open(kind, { fields, message });
  }

  /** Says what is held back, and stops the timers. */
  close(): void {
    for (const [kind, window] of this.#windows) {
      clearTimeout(window.timer);
      this.#flush(window);
      this.#windows.delete(kind);
    }
  }

  #open(kind: string, last: Window['last']): void {
    const timer = setTimeout(() => {
      const window = this.#windows.get(kind)!;
      this.#windows.delete(kind);
      if (window.held === 0) return;
      this.#flush(window);
      this.#open(kind, window.last); // still going on: the next line waits a whole interval too
    }, this.#intervalMs);
    timer.unref();
    this.#windows.set(kind, { held: 0, last, timer });
  }

  #flush(window: Window): void {
    if (window.held === 0) return;
    const seconds = Math.round(this.#intervalMs / 100) / 10;
    this.#logger[this.#level]({ ...window.last.fields, repeated: window.held }, `${window.last.message} (${window.held} more like it within ${seconds} s; the last is shown)`);
  }
}
