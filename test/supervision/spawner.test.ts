import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { commandSpawner } from '../../src/supervision/spawner.js';

test('the command spawner fills the template (new and older placeholder names) and starts the process; a missing command rejects', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rdv-spawn-'));
  const out = path.join(dir, 'args.json');
  try {
    const spawner = commandSpawner(`${process.execPath} test/fixtures/spawn-probe.mjs --id {replacementId} --replaces {replaces} --swarm {swarmId} --new {newId} --dead {deadId}`, {
      env: { ...process.env, SPAWN_PROBE_OUT: out },
    });
    await spawner.spawn({ replacementId: 'v3-r1a2b3c', replaces: 'v3', swarmId: 'swarm-1' });
    const deadline = performance.now() + 5_000;
    while (!existsSync(out)) {
      assert.ok(performance.now() < deadline, 'the replacement process ran');
      await sleep(20); // the detached process writes its file on its own schedule
    }
    assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), ['--id', 'v3-r1a2b3c', '--replaces', 'v3', '--swarm', 'swarm-1', '--new', 'v3-r1a2b3c', '--dead', 'v3']);
    await assert.rejects(commandSpawner('/nonexistent/agent {newId}').spawn({ replacementId: 'x', replaces: 'y', swarmId: 'z' }), /ENOENT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
