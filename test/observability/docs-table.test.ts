/** docs/api.md's table of every metric is METRIC_NAMES: one row per metric, with its type and labels. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { METRIC_NAMES, type MetricSpec } from '../../src/observability/metric-names.js';

test("docs/api.md lists every metric of METRIC_NAMES with its type and labels, and no other", () => {
  const text = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
  const rows = new Map(
    text
      .split('\n')
      .filter((line) => /^\| `[a-z_]+` \| (counter|gauge|histogram)/.test(line))
      .map((line) => [/^\| `([a-z_]+)`/.exec(line)![1]!, line.split(' | ')]),
  );
  const specs = Object.values(METRIC_NAMES) as MetricSpec[];
  assert.deepEqual([...rows.keys()].sort(), specs.map((spec) => spec.name).sort());
  for (const spec of specs) {
    const [, type, labels] = rows.get(spec.name)!;
    assert.ok(type!.startsWith(spec.type), `${spec.name}: type ${spec.type}`);
    if (spec.buckets) assert.ok(type!.includes(spec.buckets.join(' ')), `${spec.name}: buckets`);
    const documented = [...labels!.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]);
    assert.deepEqual(documented, [...spec.labelNames, ...(spec.perCoordinator ? ['coordinator'] : [])], `${spec.name}: labels`);
  }
});
