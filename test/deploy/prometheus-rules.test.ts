/**
 * deploy/prometheus: the alert rules load (`promtool check rules`) and every alert fires when it
 * should and stays quiet when it should not (`promtool test rules`, alerts.test.yml). promtool
 * comes with Debian's prometheus package, which the test command installs (scripts/ensure-tools.mjs).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../deploy/prometheus');

test('promtool check rules accepts deploy/prometheus/alerts.yml', async () => {
  const { stdout } = await run('promtool', ['check', 'rules', 'alerts.yml'], { cwd: dir });
  assert.match(stdout, /SUCCESS: \d+ rules found/);
});

test('promtool test rules: every alert of alerts.yml has a unit test, and they all pass', async () => {
  const alerts = [...readFileSync(path.join(dir, 'alerts.yml'), 'utf8').matchAll(/^\s+- alert: (\w+)$/gm)].map((m) => m[1]);
  const tests = readFileSync(path.join(dir, 'alerts.test.yml'), 'utf8');
  const untested = alerts.filter((name) => !tests.includes(`alertname: ${name}\n`));
  assert.deepEqual(untested, [], 'alerts without a unit test');
  assert.ok(alerts.length >= 10, `found ${alerts.length} alerts`);
  const { stdout } = await run('promtool', ['test', 'rules', 'alerts.test.yml'], { cwd: dir });
  assert.match(stdout, /SUCCESS/);
});
