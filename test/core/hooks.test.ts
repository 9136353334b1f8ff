import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, test } from 'node:test';
import { Hooks } from '../../src/core/hooks.js';
import { InvalidConfigError, SignalTimeoutError } from '../../src/protocol/errors.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { Coordinators, uniqueSwarm } from '../support/coordinators.js';
import { recordingLogger } from '../support/recording-logger.js';

const dir = mkdtempSync(path.join(tmpdir(), 'rdv-hooks-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('lifecycle hooks', () => {
  test('off unless ENABLE_TIMEOUT_HOOKS is set; then the command gets the event in its environment', async () => {
    const out = path.join(dir, 'start.txt');
    const command = `printf '%s|%s|%s|%s' "$HOOK" "$AGENT_ID" "$SWARM_ID" "$MISSING_COORDINATORS" > '${out}'`;
    await new Hooks({ env: { HOOK_ON_BLOCKING_TIMEOUT: command } }, recordingLogger()).run('on_blocking_timeout', { AGENT_ID: 'a' });
    assert.equal(existsSync(out), false, 'not run without ENABLE_TIMEOUT_HOOKS');
    await new Hooks({ env: { ENABLE_TIMEOUT_HOOKS: 'true', HOOK_ON_BLOCKING_TIMEOUT: command } }, recordingLogger()).run('on_blocking_timeout', {
      AGENT_ID: 'coord-a',
      SWARM_ID: 'swarm-1',
      MISSING_COORDINATORS: ['v1', 'v2'],
    });
    assert.equal(readFileSync(out, 'utf8'), 'on_blocking_timeout|coord-a|swarm-1|v1,v2');
  });

  test('ENABLE_TIMEOUT_HOOKS and timeoutMs are read strictly: a malformed value is refused at construction', () => {
    for (const value of ['yes', 'on']) {
      assert.throws(() => new Hooks({ env: { ENABLE_TIMEOUT_HOOKS: value } }, recordingLogger()), (error: unknown) => error instanceof InvalidConfigError && /ENABLE_TIMEOUT_HOOKS/.test(error.message));
    }
    assert.throws(() => new Hooks({ timeoutMs: 0 }, recordingLogger()), InvalidConfigError);
  });

  test('a failing hook or one that outlives its timeout is logged and never throws', async () => {
    const logger = recordingLogger();
    const hooks = new Hooks({ enabled: true, timeoutMs: 100, commands: { on_escalation: 'exit 3', on_coordinator_dead: 'sleep 5' } }, logger);
    const started = performance.now();
    await hooks.run('on_escalation', {});
    await hooks.run('on_coordinator_dead', {});
    assert.ok(performance.now() - started < 2_000, 'the slow hook was killed at its timeout');
    assert.deepEqual(logger.records.map((r) => r.msg), ['hook failed', 'hook killed: it ran past its timeout']);
  });

  test('a coordinator runs on_blocking_timeout when a wait times out', async () => {
    const store = new MemoryStore();
    const c = new Coordinators(() => store, uniqueSwarm('hooks'));
    const out = path.join(dir, 'timeout.txt');
    try {
      const b = await c.start('coord-h', { hooks: { enabled: true, commands: { on_blocking_timeout: `printf '%s' "$MISSING_COORDINATORS" > '${out}'` } } });
      await assert.rejects(b.blockUntilSignal({ from: ['v1', 'v2'], timeoutMs: 20 }), SignalTimeoutError);
      const deadline = performance.now() + 5_000;
      while (!existsSync(out) || readFileSync(out, 'utf8') === '') {
        assert.ok(performance.now() < deadline, 'the hook ran');
        await sleep(20); // the hook is a separate process, fired and forgotten
      }
      assert.equal(readFileSync(out, 'utf8'), 'v1,v2');
    } finally {
      await c.shutdownAll();
      await store.close();
    }
  });
});
