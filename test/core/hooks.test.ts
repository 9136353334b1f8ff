import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, test } from 'node:test';
import { Hooks } from '../../src/core/hooks.js';
import { HookProbe } from '../support/hook-probe.js';
import { InvalidConfigError, SignalTimeoutError } from '../../src/protocol/errors.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { Coordinators, uniqueSwarm } from '../support/coordinators.js';
import { recordingLogger } from '../support/recording-logger.js';
import { until } from '../support/until.js';

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

  test('a hook gets a minimal environment: PATH, HOME, locale, TMPDIR, the event, and what passEnv names (URLs without credentials); never a secret', async () => {
    const out = path.join(dir, 'env.txt');
    const secrets = { BLOCKING_COORDINATION_SECRET: 'a-signing-secret-of-32-bytes-or-more!!', REDIS_PASSWORD: 'hunter2', AWS_SECRET_ACCESS_KEY: 'aws' };
    const saved = Object.keys(secrets).map((name) => [name, process.env[name]] as const);
    Object.assign(process.env, secrets); // what a hook once inherited
    try {
      const env = { ...secrets, REDIS_URL: 'redis://admin:hunter2@redis.internal:6379/0', TEAM: 'blue', OTHER: 'not passed' };
      const hooks = new Hooks({ enabled: true, commands: { on_escalation: `env -0 > '${out}'` }, passEnv: ['REDIS_URL', 'TEAM'], env }, recordingLogger());
      await hooks.run('on_escalation', { AGENT_ID: 'v1', NEW_AGENT_ID: 'v1-r000001' });
    } finally {
      for (const [name, value] of saved) if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    const seen = Object.fromEntries(readFileSync(out, 'utf8').split('\0').filter(Boolean).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
    assert.deepEqual([seen.HOOK, seen.AGENT_ID, seen.NEW_AGENT_ID, seen.TEAM, seen.REDIS_URL], ['on_escalation', 'v1', 'v1-r000001', 'blue', 'redis://redis.internal:6379/0']);
    assert.equal(seen.PATH, process.env.PATH);
    const unexpected = Object.keys(seen).filter((name) => !['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'HOOK', 'AGENT_ID', 'NEW_AGENT_ID', 'TEAM', 'REDIS_URL', 'PWD', 'SHLVL', 'OLDPWD', '_'].includes(name));
    assert.deepEqual(unexpected, []);
    assert.ok(!Object.values(seen).some((value) => value.includes('hunter2') || value.includes('secret') || value === 'aws'));
  });

  test('passEnv refuses names that hold secrets', () => {
    for (const name of ['BLOCKING_COORDINATION_SECRET', 'BLOCKING_COORDINATION_SECRET_NEW', 'REDIS_PASSWORD', 'GITHUB_TOKEN', 'MY_API_KEY']) {
      assert.throws(() => new Hooks({ passEnv: ['PATHX', name] }, recordingLogger()), (error: unknown) => error instanceof InvalidConfigError && error.message.includes(name), name);
    }
    assert.throws(() => new Hooks({ maxConcurrent: 0 }, recordingLogger()), InvalidConfigError);
    assert.throws(() => new Hooks({ maxQueued: -1 }, recordingLogger()), InvalidConfigError);
  });

  test('at most maxConcurrent hooks run at once and maxQueued wait; the rest are dropped, counted and logged once', async () => {
    const probe = new HookProbe(mkdtempSync(path.join(dir, 'probe-')));
    await probe.hold();
    const logger = recordingLogger();
    const hooks = new Hooks({ enabled: true, commands: { on_coordinator_dead: probe.command }, maxConcurrent: 2, maxQueued: 3, timeoutMs: 60_000 }, logger);
    try {
      const runs = Array.from({ length: 12 }, (_, i) => hooks.run('on_coordinator_dead', { AGENT_ID: `c${i}` }));
      assert.deepEqual(hooks.metrics, { started: 2, dropped: 7 }, 'two processes started, three wait, seven dropped');
      await until('the two running hooks hold at the gate', async () => probe.started === 2);
      assert.equal(hooks.metrics.started, 2, 'no third process while two run');
      await probe.release();
      await Promise.all(runs);
      assert.deepEqual([probe.started, probe.ended, hooks.metrics.started], [5, 5, 5]);
      assert.deepEqual(probe.agentFiles(), ['c0', 'c1', 'c2', 'c3', 'c4'], 'first come, first served');
      const drops = logger.records.filter((r) => r.msg?.startsWith('hook runs dropped'));
      assert.equal(drops.length, 1, 'one line, not one per dropped run');
    } finally {
      await probe.release();
    }
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
