import { Gauge, type Registry } from 'prom-client';
import { LeanCounter } from './lean-counter.js';
import { LeanHistogram } from './lean-histogram.js';
import { METRIC_NAMES, type MetricKey } from './metric-names.js';

type SpecOf<K extends MetricKey> = (typeof METRIC_NAMES)[K];

/** The prom-client metric a spec makes. */
export type MetricOf<K extends MetricKey> = SpecOf<K>['type'] extends 'counter' ? LeanCounter : SpecOf<K>['type'] extends 'gauge' ? Gauge : LeanHistogram;

export type MetricSet = { readonly [K in MetricKey]: MetricOf<K> };

/** What runs before a metric is read at a scrape: values kept by components, read then (see each observe file). */
export class Collectors {
  readonly #byMetric = new Map<MetricKey, Set<() => void>>();

  add(keys: readonly MetricKey[], collect: () => void): () => void {
    for (const key of keys) {
      let set = this.#byMetric.get(key);
      if (!set) this.#byMetric.set(key, (set = new Set()));
      set.add(collect);
    }
    return () => {
      for (const key of keys) this.#byMetric.get(key)?.delete(collect);
    };
  }

  run(key: MetricKey): void {
    for (const collect of this.#byMetric.get(key) ?? []) collect();
  }
}

/**
 * Every metric of METRIC_NAMES, registered in `registry`. With `coordinatorLabel`, the metrics fed
 * by coordinators also get a `coordinator` label. Each metric's collect() runs its collectors.
 */
export function createMetricSet(registry: Registry, coordinatorLabel: boolean, collectors: Collectors): MetricSet {
  const set: Partial<Record<MetricKey, LeanCounter | Gauge | LeanHistogram>> = {};
  for (const key of Object.keys(METRIC_NAMES) as MetricKey[]) {
    const spec = METRIC_NAMES[key] as (typeof METRIC_NAMES)[MetricKey] & { buckets?: readonly number[]; perCoordinator?: boolean };
    const labelNames = [...spec.labelNames, ...(coordinatorLabel && spec.perCoordinator ? ['coordinator'] : [])];
    const common = { name: spec.name, help: spec.help, labelNames, registers: [registry], collect: () => collectors.run(key) };
    if (spec.type === 'gauge') set[key] = new Gauge(common);
    else {
      // Counters and histograms are fed on the hot path: the lean ones (lean-counter.ts,
      // lean-histogram.ts), registered like any metric. Gauges are set at scrapes and state changes.
      const metric = spec.type === 'counter' ? new LeanCounter(common) : new LeanHistogram({ ...common, buckets: spec.buckets ?? [] });
      registry.registerMetric(metric as unknown as Parameters<Registry['registerMetric']>[0]);
      set[key] = metric;
    }
  }
  return set as MetricSet;
}
