import { setTimeout as sleep } from 'node:timers/promises';
import type { Store } from '../../src/index.js';
import { ElectionWorker } from '../election-workers.js';

export interface FailoverCounts {
  workers: number;
  failovers: number;
  leaseMs: number;
}

export interface FailoverResult {
  /** SIGKILL of the leader to another worker's `acquired` event, ms, one per failover. */
  samplesMs: number[];
}

const EVENT_WAIT_MS = 10_000;

/** Blocks on the namespace's lease events after `cursor` until one says a worker other than `not` acquired. */
async function nextAcquired(store: Store, namespace: string, cursor: string, not: string): Promise<string> {
  const deadline = performance.now() + EVENT_WAIT_MS;
  for (let after = cursor; performance.now() < deadline; ) {
    const events = await store.readLeaseEvents(namespace, after, { count: 10, blockMs: Math.ceil(deadline - performance.now()) });
    for (const event of events) {
      after = event.entryId;
      const body = JSON.parse(event.body ?? '{}') as { event?: string; workerId?: string };
      if (body.event === 'acquired' && body.workerId !== undefined && body.workerId !== not) return body.workerId;
    }
  }
  throw new Error(`no new leader within ${EVENT_WAIT_MS} ms`);
}

async function currentLeader(store: Store, namespace: string): Promise<string> {
  for (let tries = 0; tries < 200; tries += 1) {
    const { holder } = await store.readLease(namespace);
    if (holder !== null) return holder;
    await sleep(25);
  }
  throw new Error('no leader after 5 s');
}

/**
 * Leader failover: `workers` processes run a GlobalCoordinator with a short lease; each failover
 * SIGKILLs the leader at a random point of its renewal period and times, from the kill, until the
 * lease events stream shows another worker acquiring. A replacement process joins before the next.
 */
export async function runFailover(store: Store, url: string, secret: string, namespace: string, counts: FailoverCounts): Promise<FailoverResult> {
  const env = { REDIS_URL: url, SECRET: secret, NAMESPACE: namespace, LEASE_MS: String(counts.leaseMs) };
  const workers: ElectionWorker[] = [];
  const samplesMs: number[] = [];
  try {
    workers.push(...(await Promise.all(Array.from({ length: counts.workers }, () => ElectionWorker.start(env)))));
    for (let i = 0; i < counts.failovers; i += 1) {
      const holder = await currentLeader(store, namespace);
      const victim = workers.find((w) => w.workerId === holder);
      if (!victim) throw new Error(`leader ${holder} is not one of the benchmark's workers`);
      // Kill at a random point of the renewal period (a third of the lease), not right after a renewal.
      await sleep(Math.random() * (counts.leaseMs / 3));
      const lease = await store.readLease(namespace);
      if (lease.holder !== victim.workerId) throw new Error(`the leader changed from ${victim.workerId} to ${lease.holder} without a kill`);
      const killedAt = performance.now();
      victim.child.kill('SIGKILL');
      await nextAcquired(store, namespace, lease.eventsCursor, victim.workerId);
      samplesMs.push(performance.now() - killedAt);
      await victim.exited;
      workers.splice(workers.indexOf(victim), 1);
      if (i + 1 < counts.failovers) workers.push(await ElectionWorker.start(env));
    }
    return { samplesMs };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}
