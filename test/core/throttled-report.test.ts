import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ThrottledReport, type ReportLine } from '../../src/core/throttled-report.js';

test('a flood of events is one line per interval with the counts and a few shortened samples; nothing counted goes unreported', async () => {
  const lines: ReportLine[] = [];
  let written!: () => void;
  const report = new ThrottledReport((line) => {
    lines.push(line);
    written?.();
  }, 200);
  for (let i = 0; i < 5_000; i += 1) report.add(i % 2 ? 'registry' : 'swarms', 1, `entry-${i}`);
  report.flush();
  assert.equal(lines.length, 1, 'the first flush writes at once');
  assert.deepEqual(lines[0]!.counts, { swarms: 2_500, registry: 2_500 });
  assert.deepEqual(lines[0]!.samples, ['"entry-0"', '"entry-1"', '"entry-2"']);

  report.add('registry', 3, 'x'.repeat(500));
  report.flush();
  report.flush();
  assert.equal(lines.length, 1, 'within the interval: held back');
  const alive = setTimeout(() => undefined, 10_000); // the report's timer is unref'd: hold the process for it
  await new Promise<void>((resolve) => (written = resolve)); // the interval's end writes it
  clearTimeout(alive);
  assert.equal(lines.length, 2);
  assert.deepEqual(lines[1]!.counts, { registry: 3 });
  assert.equal(lines[1]!.samples[0], JSON.stringify(`${'x'.repeat(80)}...`), 'what an attacker wrote reaches the log shortened');
  report.flush();
  assert.equal(lines.length, 2, 'nothing new, no line');
});
