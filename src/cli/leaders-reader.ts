/**
 * Every election namespace's leader, as GET /api/leaders shows it: the sealed lease verified with
 * this machine's secret (without one, the stored holder is shown unverified).
 */
import { isValidId } from '../protocol/ids.js';
import { globalKeys, hashTagOf } from '../protocol/keys.js';
import type { Keyring } from '../protocol/keyring.js';
import { daemonDefaults } from '../server/config.js';
import type { Store } from '../store/port.js';
import { electionDefaults } from '../supervision/election-options.js';
import { judgeLease } from '../supervision/election/lease-verdict.js';
import { ElectionSeals } from '../supervision/election/seals.js';

const MAX_NAMESPACES = 200;

export interface LeaderView {
  namespace: string;
  /** The verified leader; null when none holds the lease, or it does not verify. */
  leaderId: string | null;
  epoch: number | null;
  leaseRemainingMs: number | null;
  /** What Redis holds, before verification (differs from leaderId when forged or unverifiable). */
  storedHolder: string | null;
  /** held (verified), free, forged (with the reason), unverified (no secret here to check it). */
  verdict: 'held' | 'free' | 'forged' | 'unverified';
  forged?: string;
  workers: { workerId: string; heartbeatAgeMs: number; startTime: number }[];
}

/** Namespaces ever elected: each keeps its permanent epoch counter. */
export async function listNamespaces(store: Pick<Store, 'scanKeys'>): Promise<string[]> {
  const namespaces = new Set<string>([daemonDefaults.namespace]);
  for await (const batch of store.scanKeys(globalKeys.epoch('*'), 500)) {
    for (const key of batch) {
      const ns = hashTagOf(key);
      if (isValidId(ns) && namespaces.size < MAX_NAMESPACES) namespaces.add(ns);
    }
  }
  return [...namespaces].sort();
}

export async function readLeader(store: Pick<Store, 'readLease' | 'listWorkers'>, namespace: string, now: number, keyring: Keyring | undefined): Promise<LeaderView> {
  const [state, workers] = await Promise.all([store.readLease(namespace), store.listWorkers(namespace, electionDefaults.workerTimeoutMs as number)]);
  const base = { namespace, storedHolder: state.holder, workers: workers.map((w) => ({ workerId: w.workerId, heartbeatAgeMs: Math.max(0, now - w.lastHeartbeat), startTime: w.startTime })) };
  if (keyring === undefined) return { ...base, leaderId: null, epoch: state.holder ? state.epoch : null, leaseRemainingMs: state.holder ? state.ttlMs : null, verdict: state.holder ? 'unverified' : 'free' };
  const verdict = judgeLease(new ElectionSeals({ current: keyring }, namespace), state);
  if (verdict.kind === 'held') return { ...base, leaderId: verdict.lease.workerId, epoch: verdict.lease.epoch, leaseRemainingMs: state.ttlMs, verdict: 'held' };
  if (verdict.kind === 'forged') return { ...base, leaderId: null, epoch: null, leaseRemainingMs: null, verdict: 'forged', forged: verdict.reason };
  return { ...base, leaderId: null, epoch: null, leaseRemainingMs: null, verdict: 'free' };
}

export async function readLeaders(store: Pick<Store, 'readLease' | 'listWorkers' | 'scanKeys' | 'time'>, keyring: Keyring | undefined): Promise<LeaderView[]> {
  const [namespaces, now] = await Promise.all([listNamespaces(store), store.time()]);
  return Promise.all(namespaces.map((ns) => readLeader(store, ns, now, keyring)));
}
