import type { Registry } from 'prom-client';

type Labels = Record<string, string | number>;

/**
 * The value of one series of a registry (a histogram's `_count` or `_sum` by that name), summed
 * over the series whose labels include `labels`; undefined when no series matches. Reads through
 * registry.getMetricsAsJSON(), the scrape path (collect() runs).
 */
export async function valueOf(registry: Registry, name: string, labels: Labels = {}): Promise<number | undefined> {
  const family = name.replace(/_(count|sum|bucket)$/, '');
  const metrics = await registry.getMetricsAsJSON();
  const metric = metrics.find((m) => m.name === name) ?? metrics.find((m) => m.name === family);
  if (!metric) throw new Error(`no metric ${name} in the registry`);
  let found: number | undefined;
  for (const value of metric.values as { value: number; labels: Labels; metricName?: string }[]) {
    if ((value.metricName ?? metric.name) !== name) continue;
    if (!Object.entries(labels).every(([k, v]) => String(value.labels[k]) === String(v))) continue;
    found = (found ?? 0) + value.value;
  }
  return found;
}

/** The label sets of a metric's series (a histogram's by its `_count`). */
export async function seriesOf(registry: Registry, name: string): Promise<Labels[]> {
  const metrics = await registry.getMetricsAsJSON();
  const metric = metrics.find((m) => m.name === name);
  if (!metric) throw new Error(`no metric ${name} in the registry`);
  return (metric.values as { labels: Labels; metricName?: string }[]).filter((v) => v.metricName === undefined || v.metricName === `${name}_count`).map((v) => v.labels);
}
