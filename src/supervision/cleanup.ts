import { parseActivity } from '../protocol/activity.js';
import { parseHeartbeat } from '../protocol/heartbeat.js';
import { ownerOfKey } from '../protocol/keys.js';
import { defaultLogger } from '../store/default-logger.js';
import type { LivenessStore, MaintenanceStore } from '../store/port.js';

/** The store roles the cleanup uses: any `Store` has them. */
export type CleanupStore = MaintenanceStore & LivenessStore;
import { resolveCleanupOptions, type CleanupOptions } from './cleanup-options.js';

export interface CleanupReport {
  /** Coordinators examined. */
  checked: number;
  /** Coordinators found stale. */
  stale: number;
  keysDeleted: number;
  ttlsFixed: number;
  /** Batches that failed (the sweep goes on with the next). */
  errors: number;
  dryRun: boolean;
  staleCoordinators: string[];
  /** In a dry run: the keys that would be deleted, and those that would get a TTL. */
  wouldDelete: string[];
  wouldFixTtl: string[];
  durationMs: number;
}

interface Seen {
  swarms: Set<string>;
  /** Store ms of the last sign of life (heartbeat or recorded activity). */
  lastSeen: number;
}

/**
 * Removes the transient state (heartbeat, inbox, ACKs, idempotency records, warnings, activity)
 * of coordinators whose last heartbeat and last activity are older than the threshold, and
 * nothing of live ones; gives any `blocking:*` key that has no lifetime one (missingTtlMs, 24 h). Works in SCAN
 * batches, so the store is never held for more than one small step. Ages are compared in whole
 * seconds: exactly at the threshold is kept, a second past is removed. Work items, escalation
 * records and spawn requests are the supervisor's, and are never touched here.
 */
export async function cleanupStaleState(store: CleanupStore, options: CleanupOptions = {}): Promise<CleanupReport> {
  const started = performance.now();
  const { staleThresholdMs: threshold, batchSize, dryRun, missingTtlMs } = resolveCleanupOptions(options);
  const logger = options.logger ?? defaultLogger();
  const report: CleanupReport = { checked: 0, stale: 0, keysDeleted: 0, ttlsFixed: 0, errors: 0, dryRun, staleCoordinators: [], wouldDelete: [], wouldFixTtl: [], durationMs: 0 };
  const guarded = async (what: string, step: () => Promise<void>) => {
    try {
      await step();
    } catch (error) {
      report.errors += 1;
      logger.warn({ err: error, step: what }, 'cleanup step failed; going on');
    }
  };

  const now = await store.time();
  const seen = new Map<string, Seen>();
  const saw = (id: string, at: number, swarm?: string) => {
    const entry = seen.get(id) ?? { swarms: new Set<string>(), lastSeen: Number.NEGATIVE_INFINITY };
    entry.lastSeen = Math.max(entry.lastSeen, at);
    if (swarm !== undefined) entry.swarms.add(swarm);
    seen.set(id, entry);
  };

  for (const swarm of await store.listSwarms()) {
    await guarded(`registry ${swarm}`, async () => {
      for (const { coordinatorId, lastSeen } of await store.listRegistry(swarm)) saw(coordinatorId, lastSeen, swarm);
    });
  }
  // A record counts only for the coordinator whose key holds it.
  const records: Record<string, (body: string) => { coordinatorId: string; timestamp: number } | undefined> = {
    'blocking:heartbeat:*': parseHeartbeat,
    'coordinator:activity:*': parseActivity,
  };
  for (const [pattern, parse] of Object.entries(records)) {
    for await (const batch of store.scanKeys(pattern, batchSize)) {
      await guarded(`read ${pattern}`, async () => {
        const bodies = await store.readStrings(batch);
        batch.forEach((key, i) => {
          const id = ownerOfKey(key);
          const record = parse(bodies[i] ?? 'null');
          if (id !== undefined && record?.coordinatorId === id) saw(id, record.timestamp);
        });
      });
    }
  }

  const secondsOld = (at: number) => Math.floor((now - at) / 1000);
  const stale = new Set([...seen].filter(([, s]) => secondsOld(s.lastSeen) > threshold / 1000).map(([id]) => id));
  report.checked = seen.size;
  report.stale = stale.size;
  report.staleCoordinators = [...stale].sort();

  for (const pattern of ['blocking:*', 'coordinator:activity:*']) {
    for await (const batch of store.scanKeys(pattern, batchSize)) {
      const doomed = batch.filter((key) => stale.has(ownerOfKey(key) ?? ''));
      const kept = pattern === 'blocking:*' ? batch.filter((key) => !doomed.includes(key)) : [];
      await guarded('delete', async () => {
        if (dryRun) report.wouldDelete.push(...doomed);
        else report.keysDeleted += await store.deleteKeys(doomed);
      });
      await guarded('ttl', async () => {
        const ttls = await store.keyTtls(kept);
        const endless = kept.filter((_, i) => ttls[i] === -1);
        if (dryRun) report.wouldFixTtl.push(...endless);
        else report.ttlsFixed += await store.expireKeysWithoutTtl(endless, missingTtlMs);
      });
    }
  }
  if (!dryRun) {
    const bySwarm = new Map<string, string[]>();
    for (const id of stale) for (const swarm of seen.get(id)!.swarms) bySwarm.set(swarm, [...(bySwarm.get(swarm) ?? []), id]);
    for (const [swarm, ids] of bySwarm) await guarded(`pruneRegistry ${swarm}`, () => store.pruneRegistry(swarm, ids));
  }
  report.durationMs = Math.round(performance.now() - started);
  logger.info({ ...report, staleCoordinators: report.staleCoordinators.length, wouldDelete: report.wouldDelete.length, wouldFixTtl: report.wouldFixTtl.length }, dryRun ? 'cleanup dry run' : 'cleanup complete');
  return report;
}
