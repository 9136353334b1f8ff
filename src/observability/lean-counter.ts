import { InvalidConfigError } from '../protocol/errors.js';
import { labelKey } from './lean-histogram.js';

/** One label set's count. */
export class CounterChild {
  readonly labels: Readonly<Record<string, string>>;
  value = 0;

  constructor(labels: Record<string, string>) {
    this.labels = labels;
  }

  /** Adds `value` (default 1): a finite number, not negative. */
  inc(value = 1): void {
    if (!(Number.isFinite(value) && value >= 0)) throw new InvalidConfigError(`a counter is increased by a finite number >= 0, got ${String(value)}`);
    this.value += value;
  }
}

/** A label set as callers give it (prom-client's shape: values are written as strings). */
export type CounterLabels = Readonly<Partial<Record<string, string | number>>>;

export interface LeanCounterOptions {
  name: string;
  help: string;
  labelNames: readonly string[];
  /** Runs before each read. */
  collect?: () => void;
}

/**
 * A Prometheus counter registered in a prom-client Registry (it has the `get()` a registry reads),
 * made for the hot path like LeanHistogram: a child per label set, resolved once, whose inc() is
 * one check and one addition, without the label hashing, validation and keyed lookup prom-client's
 * Counter does on every increment (also through its labels() children). The scrape output is the
 * same: a series per label set incremented (even by 0), and a counter without labels at 0 from the
 * start.
 */
export class LeanCounter {
  /** Not readonly: a registry asked for OpenMetrics renames counters (drops `_total`). */
  name: string;
  readonly help: string;
  readonly type = 'counter' as const;
  readonly aggregator = 'sum' as const;
  readonly labelNames: readonly string[];
  readonly #children = new Map<string, CounterChild>();
  readonly #collect: (() => void) | undefined;

  constructor(options: LeanCounterOptions) {
    this.name = options.name;
    this.help = options.help;
    this.labelNames = options.labelNames;
    this.#collect = options.collect;
    if (this.labelNames.length === 0) this.labels({});
  }

  /** The child of one label set (every label name given, no other); its series exists from now on. */
  labels(labels: CounterLabels = {}): CounterChild {
    const key = labelKey(this.name, this.labelNames, labels);
    let child = this.#children.get(key);
    if (!child) this.#children.set(key, (child = new CounterChild(Object.fromEntries(this.labelNames.map((n) => [n, String(labels[n])])))));
    return child;
  }

  inc(labels: CounterLabels, value?: number): void;
  inc(value?: number): void;
  inc(labelsOrValue?: CounterLabels | number, value?: number): void {
    if (typeof labelsOrValue === 'object') this.labels(labelsOrValue).inc(value);
    else this.labels({}).inc(labelsOrValue);
  }

  remove(labels: CounterLabels): void {
    this.#children.delete(labelKey(this.name, this.labelNames, labels));
  }

  reset(): void {
    this.#children.clear();
    if (this.labelNames.length === 0) this.labels({});
  }

  /** What a registry reads at a scrape, in prom-client's shape. */
  async get(): Promise<{ name: string; help: string; type: 'counter'; aggregator: 'sum'; values: { value: number; labels: Record<string, string> }[] }> {
    this.#collect?.();
    const values = [...this.#children.values()].map((child) => ({ value: child.value, labels: { ...child.labels } }));
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}
