import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { InvalidIdError } from '../../src/protocol/errors.js';
import { commandSpawner } from '../../src/supervision/spawner.js';
import { until } from '../support/until.js';

const dir = mkdtempSync(path.join(tmpdir(), 'rdv-spawn-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** What the probe process recorded (it is detached: it writes its file on its own schedule). */
async function probed(out: string): Promise<{ args: string[]; env: Record<string, string> }> {
  await until('the replacement process ran', async () => existsSync(out) && readFileSync(out, 'utf8').endsWith('}'), 5_000);
  return JSON.parse(readFileSync(out, 'utf8')) as { args: string[]; env: Record<string, string> };
}

test('the command spawner fills the template (new and older placeholder names) and starts the process; a missing command rejects', async () => {
  const out = path.join(dir, 'args.json');
  const spawner = commandSpawner(`${process.execPath} test/fixtures/spawn-probe.mjs --id {replacementId} --replaces {replaces} --swarm {swarmId} --new {newId} --dead {deadId}`, {
    env: { SPAWN_PROBE_OUT: out },
  });
  await spawner.spawn({ replacementId: 'v3-r1a2b3c', replaces: 'v3', swarmId: 'swarm-1' });
  assert.deepEqual((await probed(out)).args, ['--id', 'v3-r1a2b3c', '--replaces', 'v3', '--swarm', 'swarm-1', '--new', 'v3-r1a2b3c', '--dead', 'v3']);
  await assert.rejects(commandSpawner('/nonexistent/agent {newId}').spawn({ replacementId: 'x', replaces: 'y', swarmId: 'z' }), /ENOENT/);
});

test('the replacement gets a minimal environment plus `env`: the signing secret only when `env` passes it', async () => {
  const out = path.join(dir, 'env.json');
  const saved = process.env.BLOCKING_COORDINATION_SECRET;
  process.env.BLOCKING_COORDINATION_SECRET = 'a-signing-secret-of-32-bytes-or-more!!';
  try {
    await commandSpawner(`${process.execPath} test/fixtures/spawn-probe.mjs {replacementId}`, { env: { SPAWN_PROBE_OUT: out, STORE_URL: 'redis://h:1' } }).spawn({ replacementId: 'v4-r000001', replaces: 'v4', swarmId: 's' });
  } finally {
    if (saved === undefined) delete process.env.BLOCKING_COORDINATION_SECRET;
    else process.env.BLOCKING_COORDINATION_SECRET = saved;
  }
  const { env } = await probed(out);
  assert.equal(env.BLOCKING_COORDINATION_SECRET, undefined);
  assert.deepEqual([env.STORE_URL, env.PATH], ['redis://h:1', process.env.PATH]);
  assert.deepEqual(Object.keys(env).filter((name) => !['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'SPAWN_PROBE_OUT', 'STORE_URL'].includes(name)), []);
});

test('an id that breaks the id rule is refused before anything starts: it never reaches the argv', async () => {
  const out = path.join(dir, 'never.json');
  const spawner = commandSpawner(`${process.execPath} test/fixtures/spawn-probe.mjs --id {replacementId} --replaces {replaces} --swarm {swarmId}`, { env: { SPAWN_PROBE_OUT: out } });
  for (const request of [
    { replacementId: '../../etc/evil', replaces: 'v1', swarmId: 's' },
    { replacementId: 'v1-r000001', replaces: 'has space;$(id)', swarmId: 's' },
    { replacementId: 'v1-r000001', replaces: 'v1', swarmId: '--swarm=x y' },
  ]) {
    await assert.rejects(spawner.spawn(request), InvalidIdError, JSON.stringify(request));
  }
  assert.equal(existsSync(out), false);
});
