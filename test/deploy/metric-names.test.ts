/**
 * deploy/: every expression of the alert rules and of the Grafana dashboard reads only metrics
 * createMetrics exports (METRIC_NAMES, with a histogram's _bucket/_sum/_count series), selects
 * and groups only by labels those metrics have, and the dashboard's layout holds together. A
 * metric renamed in the library fails here, not on an operator's empty panel.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { METRIC_NAMES, type MetricSpec } from '../../src/observability/metric-names.js';
import { groupingLabelsIn, metricNamesIn, selectorsIn } from './promql-names.js';

const deploy = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../deploy');

/** Series name -> the labels it carries (target labels added by Prometheus included). */
const series = new Map<string, Set<string>>();
for (const spec of Object.values(METRIC_NAMES) as MetricSpec[]) {
  const labels = [...spec.labelNames, ...(spec.perCoordinator ? ['coordinator'] : []), 'instance', 'job'];
  if (spec.type === 'histogram') {
    series.set(`${spec.name}_bucket`, new Set([...labels, 'le']));
    series.set(`${spec.name}_sum`, new Set(labels));
    series.set(`${spec.name}_count`, new Set(labels));
  } else {
    series.set(spec.name, new Set(labels));
  }
}

function alertExpressions(): string[] {
  const text = readFileSync(path.join(deploy, 'prometheus/alerts.yml'), 'utf8');
  return [...text.matchAll(/^\s+expr: (.+)$/gm)].map((m) => m[1]!.trim());
}

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: { expr: string }[];
}

const dashboard = JSON.parse(readFileSync(path.join(deploy, 'grafana/rendezvous.json'), 'utf8')) as {
  panels: Panel[];
  templating: { list: { query?: string | { query: string } }[] };
  annotations: { list: { expr?: string }[] };
};

function dashboardExpressions(): string[] {
  const variables = dashboard.templating.list.map((v) => (typeof v.query === 'object' ? v.query.query : undefined)).filter((q): q is string => q?.startsWith('label_values(') ?? false);
  return [
    ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
    ...dashboard.annotations.list.flatMap((a) => (a.expr ? [a.expr] : [])),
    // label_values(metric, label): the metric must exist and have the label.
    ...variables.map((q) => q.replace(/^label_values\(([^,]+),\s*(\w+)\)$/, '$1{$2=""}')),
  ];
}

function check(expressions: string[]): string[] {
  const problems: string[] = [];
  for (const expr of expressions) {
    const names = metricNamesIn(expr);
    if (names.length === 0) problems.push(`reads no metric: ${expr}`);
    for (const name of names) if (!series.has(name)) problems.push(`${name} is not exported: ${expr}`);
    for (const { name, labels } of selectorsIn(expr)) {
      for (const label of labels) if (series.has(name) && !series.get(name)!.has(label)) problems.push(`${name} has no label ${label}: ${expr}`);
    }
    const known = new Set(names.flatMap((name) => [...(series.get(name) ?? [])]));
    for (const label of groupingLabelsIn(expr)) if (!known.has(label)) problems.push(`no metric of it has the label ${label}: ${expr}`);
  }
  return problems;
}

describe('deploy/ reads only what the registry exports', () => {
  test('the alert rules', () => {
    const expressions = alertExpressions();
    assert.ok(expressions.length >= 10);
    assert.deepEqual(check(expressions), []);
  });

  test('the Grafana dashboard, its variable and its annotation', () => {
    const expressions = dashboardExpressions();
    assert.ok(expressions.length >= 30, `${expressions.length} expressions`);
    assert.deepEqual(check(expressions), []);
  });

  test('the check itself catches a name and a label the registry does not have', () => {
    assert.deepEqual(check(['rate(rendezvous_signal_sent_total[5m])']), ['rendezvous_signal_sent_total is not exported: rate(rendezvous_signal_sent_total[5m])']);
    assert.equal(check(['sum by (receiver) (rate(rendezvous_signals_sent_total[5m]))']).length, 1);
    assert.equal(check(['active_coordinators{namespace="x"}']).length, 1);
  });

  test('the dashboard has the FAQ\'s four panels first, and every metric the registry exports somewhere', () => {
    const panels = dashboard.panels.filter((p) => p.type !== 'row');
    assert.deepEqual(panels.slice(0, 4).map((p) => [p.title, p.type]), [
      ['Blocking duration', 'timeseries'],
      ['Active coordinators', 'stat'],
      ['Signal delivery latency', 'heatmap'],
      ['Timeout rate', 'bargauge'],
    ]);
    const read = new Set(dashboardExpressions().flatMap(metricNamesIn).map((name) => name.replace(/_(bucket|sum|count)$/, '')));
    const unshown = (Object.values(METRIC_NAMES) as MetricSpec[]).map((spec) => spec.name).filter((name) => !read.has(name));
    assert.deepEqual(unshown, []);
  });

  test('the dashboard\'s panels have unique ids and fit the 24-column grid without overlapping', () => {
    const ids = dashboard.panels.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length);
    const cells = new Set<string>();
    for (const { gridPos: g, title } of dashboard.panels) {
      assert.ok(g.x >= 0 && g.w > 0 && g.x + g.w <= 24, `${title} fits`);
      for (let x = g.x; x < g.x + g.w; x += 1) {
        for (let y = g.y; y < g.y + g.h; y += 1) {
          assert.ok(!cells.has(`${x},${y}`), `${title} overlaps another panel at ${x},${y}`);
          cells.add(`${x},${y}`);
        }
      }
    }
  });
});
