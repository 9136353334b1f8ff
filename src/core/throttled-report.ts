/** Samples of what was counted, kept per interval: enough to find the entries, never a copy of a flood. */
const MAX_SAMPLES = 3;
/** A sample is shortened to this many characters: what an attacker wrote reaches the log only in part. */
const SAMPLE_CHARS = 80;

/** What one line of a ThrottledReport holds: a count per kind, and a few samples. */
export interface ReportLine {
  counts: Record<string, number>;
  samples: string[];
}

/**
 * Counts events that can come in floods (entries an attacker wrote, hooks dropped when the queue is
 * full) and reports them as one log line per interval with the counts, never one line per event.
 * The first line goes out at the first flush; later ones at most once per `intervalMs`, the last
 * counts by an unref'd timer at the interval's end (so nothing counted stays unreported).
 */
export class ThrottledReport {
  readonly #write: (line: ReportLine) => void;
  readonly #intervalMs: number;
  readonly #counts = new Map<string, number>();
  #samples: string[] = [];
  #lastLineAt = Number.NEGATIVE_INFINITY;
  /** Whether a timer will write the counts at the interval's end. */
  #scheduled = false;

  constructor(write: (line: ReportLine) => void, intervalMs: number) {
    this.#write = write;
    this.#intervalMs = intervalMs;
  }

  /** Counts `n` events of `kind`; `sample` (what was seen, shortened) may appear in the next line. */
  add(kind: string, n = 1, sample?: unknown): void {
    this.#counts.set(kind, (this.#counts.get(kind) ?? 0) + n);
    if (sample !== undefined && this.#samples.length < MAX_SAMPLES) this.#samples.push(shorten(sample));
  }

  /** Writes the counts since the last line, unless a line went out less than an interval ago (then at that interval's end). */
  flush(): void {
    if (this.#counts.size === 0) return;
    const waitMs = this.#lastLineAt + this.#intervalMs - performance.now();
    if (waitMs > 0) {
      if (!this.#scheduled) {
        this.#scheduled = true;
        setTimeout(() => {
          this.#scheduled = false;
          this.flush();
        }, waitMs).unref();
      }
      return;
    }
    this.#lastLineAt = performance.now();
    const line = { counts: Object.fromEntries(this.#counts), samples: this.#samples };
    this.#counts.clear();
    this.#samples = [];
    this.#write(line);
  }
}

function shorten(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  return JSON.stringify(text.length > SAMPLE_CHARS ? `${text.slice(0, SAMPLE_CHARS)}...` : text);
}
