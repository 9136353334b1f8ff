import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { createStore } from '../../src/store/create-store.js';
import type { Store } from '../../src/store/port.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { WorkerProcess } from '../support/worker-process.js';

const NAMESPACE = 'proof';
const LEASE_MS = 500;
const HEARTBEAT_MS = 100;
const ACTIONS = `coordinator:global:{${NAMESPACE}}:actions`;

let server: RedisServer;
let store: Store;
before(async () => {
  server = await startRedis();
  store = await createStore({ url: server.url });
});
after(async () => {
  await store.close();
  await server.stop();
});

/** Deterministic shuffle (mulberry32), so a failing order can be replayed. */
function shuffled<T>(items: T[], seed: number): T[] {
  let state = seed;
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Blocks on the namespace's leadership events until a worker other than `previous` acquires. */
async function nextAcquired(cursor: string, previous: string): Promise<{ workerId: string; epoch: number }> {
  for (;;) {
    const events = await store.readLeaseEvents(NAMESPACE, cursor, { count: 50, blockMs: 5_000 });
    assert.ok(events.length > 0, 'a new leader within 5 s');
    for (const event of events) {
      cursor = event.entryId;
      const parsed = JSON.parse(event.body ?? '{}') as { event: string; workerId: string; epoch: number };
      if (parsed.event === 'acquired' && parsed.workerId !== previous) return parsed;
    }
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

test('five workers under kill, pause and restart: no stale epoch acts after a newer one, one worker per epoch', { timeout: 120_000 }, async (t) => {
  const spec = JSON.stringify({ url: server.url });
  const workers = new Map<string, WorkerProcess>();
  const spawnWorker = async (skewMs = 0) => {
    const worker = new WorkerProcess({ STORE_SPEC: spec, NAMESPACE, LEASE_MS: String(LEASE_MS), HEARTBEAT_MS: String(HEARTBEAT_MS), SKEW_MS: String(skewMs) });
    await worker.ready();
    workers.set(worker.workerId, worker);
    return worker;
  };
  // Two of the five run with wall clocks 10 minutes off, either way.
  await Promise.all([0, 600_000, -600_000, 0, 0].map((skew) => spawnWorker(skew)));

  const failovers: Record<'kill' | 'pause' | 'stop', number[]> = { kill: [], pause: [], stop: [] };
  const staleWrites: Record<string, unknown>[] = [];
  const plan = shuffled(['kill', 'kill', 'kill', 'pause', 'pause', 'pause', 'stop', 'stop', 'stop'] as const, 20261123);
  for (const action of plan) {
    let lease = await store.readLease(NAMESPACE);
    if (lease.holder === null) {
      await nextAcquired(lease.eventsCursor, '');
      lease = await store.readLease(NAMESPACE);
    }
    const leader = workers.get(lease.holder!)!;
    assert.ok(leader, `the leader ${lease.holder} is one of ours`);
    await leader.next((l) => l.type === 'action' && l.applied === true && l.epoch === lease.epoch, 0); // it has acted
    const started = performance.now();
    const taken = nextAcquired(lease.eventsCursor, leader.workerId);
    leader.child.kill(action === 'kill' ? 'SIGKILL' : action === 'pause' ? 'SIGSTOP' : 'SIGTERM');
    const successor = await taken;
    failovers[action].push(performance.now() - started);
    assert.ok(successor.epoch > lease.epoch, 'a new term has a higher epoch');
    await workers.get(successor.workerId)!.next((l) => l.type === 'action' && l.applied === true && l.epoch === successor.epoch, 0);

    if (action === 'pause') {
      // Resumed after more than its lease: it must not act as leader, and its old epoch is fenced off.
      const from = leader.lines.length;
      leader.child.kill('SIGCONT');
      leader.send(`stale-write ${lease.epoch}`);
      const reply = await leader.next((l) => l.type === 'stale-write', from);
      staleWrites.push(reply);
      assert.deepEqual([reply.applied, reply.isLeader], [false, false]);
    } else {
      await leader.exited;
      workers.delete(leader.workerId);
      await spawnWorker();
    }
  }

  await Promise.all([...workers.values()].map((w) => (w.child.kill('SIGTERM'), w.exited)));

  // The checker: over the store's log of accepted leader actions, in order.
  const raw = new Redis(server.port, server.host);
  const entries = (await raw.xrange(ACTIONS, '-', '+')).map(([, fields]) => JSON.parse(fields[1]!) as { workerId: string; epoch: number });
  raw.disconnect();
  const ownerOf = new Map<number, string>();
  let newest = 0;
  for (const [i, entry] of entries.entries()) {
    assert.ok(entry.epoch >= newest, `action ${i} with epoch ${entry.epoch} was accepted after epoch ${newest} acted`);
    newest = entry.epoch;
    const owner = ownerOf.get(entry.epoch) ?? entry.workerId;
    assert.equal(entry.workerId, owner, `epoch ${entry.epoch} acted by two workers`);
    ownerOf.set(entry.epoch, owner);
  }
  assert.ok(ownerOf.size >= plan.length + 1, `${ownerOf.size} terms acted`);
  assert.ok(!entries.some((e) => staleWrites.some((s) => s.epoch === e.epoch && e.workerId !== ownerOf.get(e.epoch))));

  for (const ms of failovers.kill) assert.ok(ms <= LEASE_MS + HEARTBEAT_MS + 150, `SIGKILL failover ${ms.toFixed(0)} ms`);
  for (const ms of failovers.stop) assert.ok(ms <= 200, `graceful failover ${ms.toFixed(0)} ms`);
  const report = (name: string, values: number[]) => `${name}: median ${median(values).toFixed(0)} ms, worst ${Math.max(...values).toFixed(0)} ms`;
  t.diagnostic(`lease ${LEASE_MS} ms; ${entries.length} leader actions in ${ownerOf.size} terms`);
  t.diagnostic(report('failover after SIGKILL', failovers.kill));
  t.diagnostic(report('failover after SIGSTOP', failovers.pause));
  t.diagnostic(report('failover after graceful stop', failovers.stop));
});
