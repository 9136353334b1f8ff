import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { LeanHistogram } from '../../src/observability/lean-histogram.js';

test('LeanHistogram: cumulative buckets with inclusive upper bounds, +Inf, sum and count; non-numbers ignored; labels checked', async () => {
  const registry = new Registry();
  const histogram = new LeanHistogram({ name: 'waits_seconds', help: 'h', labelNames: ['kind'], buckets: [1, 0.1] });
  registry.registerMetric(histogram as never);
  const child = histogram.labels({ kind: 'a' });
  for (const value of [0.1, 0.5, 1, 7, Number.NaN, Number.POSITIVE_INFINITY]) child.observe(value);
  histogram.observe({ kind: 'b' }, 0.05);
  assert.throws(() => histogram.labels({ other: 'x' } as never), { code: 'RDV_ERR_INVALID_CONFIG' });
  const text = await registry.metrics();
  for (const line of [
    'waits_seconds_bucket{kind="a",le="0.1"} 1',
    'waits_seconds_bucket{kind="a",le="1"} 3',
    'waits_seconds_bucket{kind="a",le="+Inf"} 4',
    'waits_seconds_sum{kind="a"} 8.6',
    'waits_seconds_count{kind="a"} 4',
    'waits_seconds_count{kind="b"} 1',
  ]) {
    assert.ok(text.includes(line), `${line} in\n${text}`);
  }
  histogram.remove({ kind: 'b' });
  assert.ok(!(await registry.metrics()).includes('kind="b"'));
});
