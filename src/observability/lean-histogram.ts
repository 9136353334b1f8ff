import { InvalidConfigError } from '../protocol/errors.js';

/** The key of a label set of a metric with `labelNames`: every name given, no other (else InvalidConfigError). */
export function labelKey(metric: string, labelNames: readonly string[], labels: Readonly<Partial<Record<string, string | number>>>): string {
  const given = Object.keys(labels);
  if (given.length !== labelNames.length || given.some((name) => !labelNames.includes(name))) {
    throw new InvalidConfigError(`${metric} has labels ${labelNames.join(', ') || '(none)'}; got ${given.join(', ') || '(none)'}`);
  }
  return labelNames.map((name) => String(labels[name])).join('\u0000');
}

/** One label set's observations: a count per bucket (not cumulative), their sum and count. */
export class HistogramChild {
  readonly labels: Readonly<Record<string, string>>;
  readonly #bounds: readonly number[];
  /** counts[i]: observations in (bounds[i-1], bounds[i]]; the last one above every bound. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(labels: Record<string, string>, bounds: readonly number[]) {
    this.labels = labels;
    this.#bounds = bounds;
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** Records `value` (seconds); anything but a finite number is ignored. */
  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    const bounds = this.#bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i += 1;
    this.counts[i]! += 1;
    this.sum += value;
    this.count += 1;
  }
}

interface Sample {
  value: number;
  labels: Record<string, string | number>;
  metricName: string;
}

export interface LeanHistogramOptions {
  name: string;
  help: string;
  labelNames: readonly string[];
  buckets: readonly number[];
  /** Runs before each read. */
  collect?: () => void;
}

/**
 * A Prometheus histogram registered in a prom-client Registry (it has the `get()` a registry
 * reads), made for the hot path: a child per label set, resolved once, whose observe() is a
 * bucket search and three additions, without the label validation and hashing prom-client's
 * Histogram does on every observation. The scrape output is the same (`_bucket` with `le`,
 * `_sum`, `_count`).
 */
export class LeanHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  readonly labelNames: readonly string[];
  readonly #bounds: readonly number[];
  readonly #children = new Map<string, HistogramChild>();
  readonly #collect: (() => void) | undefined;

  constructor(options: LeanHistogramOptions) {
    this.name = options.name;
    this.help = options.help;
    this.labelNames = options.labelNames;
    this.#bounds = [...options.buckets].sort((a, b) => a - b);
    this.#collect = options.collect;
  }

  /** The child of one label set (every label name given, no other). */
  labels(labels: Readonly<Record<string, string>> = {}): HistogramChild {
    const key = labelKey(this.name, this.labelNames, labels);
    let child = this.#children.get(key);
    if (!child) this.#children.set(key, (child = new HistogramChild(Object.fromEntries(this.labelNames.map((n) => [n, labels[n]!])), this.#bounds)));
    return child;
  }

  observe(labels: Readonly<Record<string, string>>, value: number): void;
  observe(value: number): void;
  observe(labelsOrValue: Readonly<Record<string, string>> | number, value?: number): void {
    if (typeof labelsOrValue === 'number') this.labels({}).observe(labelsOrValue);
    else this.labels(labelsOrValue).observe(value!);
  }

  remove(labels: Readonly<Record<string, string>>): void {
    this.#children.delete(labelKey(this.name, this.labelNames, labels));
  }

  reset(): void {
    this.#children.clear();
  }

  /** What a registry reads at a scrape, in prom-client's shape. */
  async get(): Promise<{ name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: Sample[] }> {
    this.#collect?.();
    const values: Sample[] = [];
    for (const child of this.#children.values()) {
      let cumulative = 0;
      this.#bounds.forEach((bound, i) => {
        cumulative += child.counts[i]!;
        values.push({ value: cumulative, labels: { ...child.labels, le: bound }, metricName: `${this.name}_bucket` });
      });
      values.push({ value: child.count, labels: { ...child.labels, le: '+Inf' }, metricName: `${this.name}_bucket` });
      values.push({ value: child.sum, labels: { ...child.labels }, metricName: `${this.name}_sum` });
      values.push({ value: child.count, labels: { ...child.labels }, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}
