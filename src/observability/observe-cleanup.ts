import type { MetricSet } from './metric-set.js';
import { countOf } from './labels.js';

/** What observeCleanup reads of a CleanupReport (structural: cleanupStaleState returns one). */
export interface ObservedCleanupReport {
  dryRun: boolean;
  keysDeleted: number;
  ttlsFixed: number;
  /** Batches that failed: a run with errors counts as `failed`. */
  errors: number;
}

/** A cleanup run that threw before it could report (the store unreachable at its start). */
export interface ObservedCleanupFailure {
  dryRun: boolean;
  error: unknown;
}

/** Counts one cleanup run: its outcome and mode, and the keys it deleted and gave a lifetime. */
export function observeCleanup(metrics: MetricSet, run: ObservedCleanupReport | ObservedCleanupFailure): void {
  const mode = run?.dryRun === false ? 'execute' : 'dry_run'; // unknown: nothing was removed, as in a dry run
  const report = run as Partial<ObservedCleanupReport> & Partial<ObservedCleanupFailure>;
  const failed = report === null || typeof report !== 'object' || 'error' in report || countOf(report.errors) > 0;
  metrics.cleanupRuns.inc({ outcome: failed ? 'failed' : 'ok', mode });
  if (mode === 'dry_run' || report === null || typeof report !== 'object') return;
  metrics.cleanupKeysRemoved.inc({ kind: 'deleted' }, countOf(report.keysDeleted));
  metrics.cleanupKeysRemoved.inc({ kind: 'ttl_fixed' }, countOf(report.ttlsFixed));
}
