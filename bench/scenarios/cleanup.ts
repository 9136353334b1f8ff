import { Redis } from 'ioredis';
import { BlockingCoordinator, cleanupStaleState, createStore, keys } from '../../src/index.js';
import { seedCoordinatorState } from '../../test/support/coordinator-state.js';

export interface CleanupCounts {
  stale: number;
  live: number;
}

export interface CleanupResult {
  /** cleanupStaleState's own duration, ms. */
  durationMs: number;
  checked: number;
  stale: number;
  keysDeleted: number;
  /** Live coordinators whose heartbeat was still there afterwards. */
  liveIntact: number;
}

const THRESHOLD_MS = 600_000;

/**
 * Cleanup at scale, in a database of its own on the private server (SCAN sees nothing of the
 * other rows): `stale` coordinators' state seeded as a crashed fleet leaves it (heartbeat key
 * 11 minutes old, registry entry, an inbox with one signal, one ACK), `live` real coordinators
 * heartbeating beside them; then one cleanupStaleState with the default 10-minute threshold.
 */
export async function runCleanup(url: string, secret: string, counts: CleanupCounts): Promise<CleanupResult> {
  const dbUrl = `${url}/1`;
  const raw = new Redis(dbUrl);
  const store = await createStore({ url: dbUrl });
  const swarm = `bench-${process.pid}-cleanup`;
  const live = Array.from({ length: counts.live }, (_, i) => new BlockingCoordinator({ id: `live-${i}`, store, secret, swarmId: swarm }));
  try {
    const [seconds] = await raw.time();
    const at = Number(seconds) * 1_000 - THRESHOLD_MS - 60_000;
    for (let from = 0; from < counts.stale; from += 1_000) {
      const pipeline = raw.pipeline();
      for (let i = from; i < Math.min(counts.stale, from + 1_000); i += 1) seedCoordinatorState(pipeline, swarm, `stale-${i}`, at);
      pipeline.sadd(keys.swarms(), swarm);
      await pipeline.exec();
    }
    await Promise.all(live.map((c) => c.start()));
    const report = await cleanupStaleState(store, { staleThresholdMs: THRESHOLD_MS });
    const intact = await Promise.all(live.map((c) => store.getHeartbeat(c.id)));
    return { durationMs: report.durationMs, checked: report.checked, stale: report.stale, keysDeleted: report.keysDeleted, liveIntact: intact.filter((h) => h !== null).length };
  } finally {
    await Promise.allSettled(live.map((c) => c.stop()));
    await raw.flushdb().catch(() => undefined);
    raw.disconnect();
    await store.close();
  }
}
