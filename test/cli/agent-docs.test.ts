/** docs/cli.md says what the CLI does: its exit-code table is src/cli/exit-codes.ts, and each agent command has its row. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { EXIT } from '../../src/cli/exit-codes.js';
import { root } from './agent-support.js';

const doc = readFileSync(path.join(root, 'docs/cli.md'), 'utf8');

test('docs/cli.md lists every exit code of exit-codes.ts, and no other', () => {
  const section = doc.slice(doc.indexOf('## Exit codes'), doc.indexOf('\n## ', doc.indexOf('## Exit codes') + 1));
  const rows = [...section.matchAll(/^\| (\d+) \| `([A-Z_]+)` \|/gm)].map((m) => [m[2]!, Number(m[1])]);
  assert.deepEqual(Object.fromEntries(rows), { ...EXIT });
});

test('docs/cli.md has a row for each agent command', () => {
  for (const command of ['run', 'ready', 'wait', 'ack', 'send', 'wait-acks']) assert.match(doc, new RegExp(`^\\| \`rendezvous agent ${command} `, 'm'), command);
});
