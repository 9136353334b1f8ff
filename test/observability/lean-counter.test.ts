import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry, type OpenMetricsContentType } from 'prom-client';
import { LeanCounter } from '../../src/observability/lean-counter.js';

test('LeanCounter: a series per label set, created by inc (even by 0) or labels(); children add; labels and values checked', async () => {
  const registry = new Registry();
  const counter = new LeanCounter({ name: 'things_total', help: 'h', labelNames: ['kind'] });
  registry.registerMetric(counter as never);
  const child = counter.labels({ kind: 'a' });
  child.inc();
  child.inc(2);
  counter.inc({ kind: 'b' }, 0);
  counter.inc({ kind: 'c' });
  assert.throws(() => counter.inc({ other: 'x' }), { code: 'RDV_ERR_INVALID_CONFIG' });
  assert.throws(() => child.inc(-1), { code: 'RDV_ERR_INVALID_CONFIG' });
  assert.throws(() => child.inc(Number.NaN), { code: 'RDV_ERR_INVALID_CONFIG' });
  const text = await registry.metrics();
  assert.ok(text.includes('# TYPE things_total counter'), text);
  for (const line of ['things_total{kind="a"} 3', 'things_total{kind="b"} 0', 'things_total{kind="c"} 1']) assert.ok(text.includes(line), `${line} in\n${text}`);
  counter.remove({ kind: 'b' });
  assert.ok(!(await registry.metrics()).includes('kind="b"'));
});

test('LeanCounter: without labels it is exported at 0 from the start, and again after reset()', async () => {
  const registry = new Registry();
  const counter = new LeanCounter({ name: 'runs_total', help: 'h', labelNames: [] });
  registry.registerMetric(counter as never);
  assert.ok((await registry.metrics()).includes('runs_total 0'));
  counter.inc();
  counter.inc(4);
  assert.ok((await registry.metrics()).includes('runs_total 5'));
  counter.reset();
  assert.ok((await registry.metrics()).includes('runs_total 0'));
});

test('LeanCounter: collect runs before each read; an OpenMetrics registry names it without _total and adds it back', async () => {
  const registry = new Registry<OpenMetricsContentType>();
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  let collected = 0;
  const counter = new LeanCounter({ name: 'reads_total', help: 'h', labelNames: [], collect: () => (collected += 1) });
  registry.registerMetric(counter as never);
  const text = await registry.metrics();
  assert.equal(collected, 1);
  assert.ok(text.includes('# TYPE reads counter') && text.includes('reads_total 0'), text);
});
