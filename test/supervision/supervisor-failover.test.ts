import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { createStore } from '../../src/store/create-store.js';
import type { Store } from '../../src/store/port.js';
import { SECRET } from '../support/coordinators.js';
import { recordingLogger } from '../support/recording-logger.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';

const SUPERVISOR = fileURLToPath(new URL('../fixtures/supervisor-process.ts', import.meta.url));

interface Supervisor {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  next(predicate: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

let server: RedisServer;
let store: Store;
const started: ChildProcess[] = [];
before(async () => {
  server = await startRedis();
  store = await createStore({ url: server.url, logger: recordingLogger() });
});
after(async () => {
  for (const child of started) child.kill('SIGKILL');
  await store.close();
  await server.stop();
});

function startSupervisor(namespace: string, extraEnv: Record<string, string> = {}): Supervisor {
  const child = spawn(process.execPath, ['--import', 'tsx', SUPERVISOR], {
    env: { ...process.env, STORE_SPEC: JSON.stringify({ url: server.url }), SECRET, NAMESPACE: namespace, RENDEZVOUS_LOG_LEVEL: 'error', ...extraEnv },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  started.push(child);
  const lines: Record<string, unknown>[] = [];
  const waiters: { predicate: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = [];
  let buffer = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    for (let at = buffer.indexOf('\n'); at >= 0; at = buffer.indexOf('\n')) {
      const line = JSON.parse(buffer.slice(0, at)) as Record<string, unknown>;
      buffer = buffer.slice(at + 1);
      lines.push(line);
      for (const waiter of [...waiters]) {
        if (!waiter.predicate(line)) continue;
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  return {
    child,
    lines,
    next: (predicate) => {
      const seen = lines.find(predicate);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ predicate, resolve }));
    },
  };
}

/** Issue 4, behaviour 7: killing the leading supervisor mid-run hands supervision to another, which continues from the stored warnings. */
test('the leading supervisor is killed after two warnings; the other continues the count and escalates once', { timeout: 60_000 }, async (t) => {
  const old = (await store.time()) - 60_000;
  await store.register({ swarmId: 'sv-swarm', coordinatorId: 'silent-1', body: '{}', timestamp: old, ttlMs: 50, registryTtlMs: 600_000 });
  // Each stops itself as it reports the second warning: the leader is killed right there, never later.
  const [a, b] = [startSupervisor('failover', { STOP_AT_WARNING: '2' }), startSupervisor('failover', { STOP_AT_WARNING: '2' })];
  await Promise.all([a.next((l) => l.type === 'ready'), b.next((l) => l.type === 'ready')]);

  const secondWarning = await Promise.race([a, b].map((s) => s.next((l) => l.type === 'warning' && l.count === 2).then(() => s)));
  const survivor = secondWarning === a ? b : a;
  const killedAt = performance.now();
  secondWarning.child.kill('SIGKILL');
  await once(secondWarning.child, 'exit');

  t.after(() => survivor.child.kill('SIGTERM')); // also when an assertion fails: it would check the next test's swarm too
  const escalated = await survivor.next((l) => l.type === 'escalated');
  const takeover = performance.now() - killedAt;
  const warnings = (s: Supervisor) => s.lines.filter((l) => l.type === 'warning').map((l) => l.count as number);
  assert.deepEqual(warnings(secondWarning).slice(0, 2), [1, 2], 'the first leader warned twice');
  const [first, ...rest] = warnings(survivor);
  assert.equal(first, 3, `the second continued from the store: ${warnings(survivor).join(', ')} after ${warnings(secondWarning).join(', ')}`);
  assert.deepEqual(rest, Array.from({ length: 4 - first! }, (_, i) => first! + 1 + i), 'up to maxWarnings (4)');
  assert.equal(escalated.coordinatorId, 'silent-1');
  assert.equal([...secondWarning.lines, ...survivor.lines].filter((l) => l.type === 'spawn').length, 1, 'one replacement');
  assert.ok(takeover < 5_000, `taken over and escalated ${takeover.toFixed(0)} ms after the kill`);
  t.diagnostic(`supervisor killed after warning 2 (lease 600 ms, check every 150 ms): the other escalated ${takeover.toFixed(0)} ms later`);
});

/** Issue 4: the supervisor leader is killed in the middle of an escalation: still exactly one replacement. */
test('a supervisor killed in the middle of an escalation: the other finishes it, one replacement', { timeout: 60_000 }, async () => {
  const old = (await store.time()) - 60_000;
  await store.register({ swarmId: 'sv-swarm-2', coordinatorId: 'silent-2', body: '{}', timestamp: old, ttlMs: 50, registryTtlMs: 600_000 });
  const [a, b] = [startSupervisor('mid-escalation', { SLOW_SPAWN: '1' }), startSupervisor('mid-escalation', { SLOW_SPAWN: '1' })];
  await Promise.all([a.next((l) => l.type === 'ready'), b.next((l) => l.type === 'ready')]);
  // The escalation's store step ran; the replacement is being started: now the leader dies.
  const spawning = await Promise.race([a, b].map((s) => s.next((l) => l.type === 'spawning' && l.replaces === 'silent-2').then((line) => ({ s, line }))));
  spawning.s.child.kill('SIGKILL');
  await once(spawning.s.child, 'exit');
  const survivor = spawning.s === a ? b : a;
  const resumed = await survivor.next((l) => l.type === 'spawn' && l.replaces === 'silent-2');
  assert.equal(resumed.replacementId, spawning.line.replacementId, 'the same replacement, resumed');
  assert.equal(survivor.lines.filter((l) => l.type === 'escalated').length, 0, 'no second escalation');
  const deadline = performance.now() + 5_000; // the request is marked done just after the spawn returns
  while ((await store.pendingSpawns('sv-swarm-2')).length > 0) {
    assert.ok(performance.now() < deadline, 'the resumed request is marked carried out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  survivor.child.kill('SIGTERM');
});
