/** A command whose reader went away (`rendezvous … | head`) ends quietly, as Unix tools do: no stack trace, its own exit code. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUILT_CLI, show } from '../support/built-cli.js';
import { runProcess } from '../support/run-process.js';

test('output into a closed pipe ends the command quietly with exit 0, not an unhandled EPIPE', async () => {
  // `true` exits without reading: every write of the CLI meets a closed pipe.
  const run = await runProcess('bash', ['-c', `"${process.execPath}" "${BUILT_CLI}" inbox --help | true; echo "cli exit \${PIPESTATUS[0]}"`], { env: { PATH: process.env.PATH } });
  assert.equal(run.stdout.trim(), 'cli exit 0', show(run));
  assert.doesNotMatch(run.stderr, /EPIPE|Unhandled/, show(run));
});
