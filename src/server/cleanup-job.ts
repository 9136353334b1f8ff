import { EventEmitter } from 'node:events';
import type { Logger } from '../protocol/logger.js';
import type { CleanupStore } from '../supervision/cleanup.js';
import { cleanupStaleState, type CleanupReport } from '../supervision/cleanup.js';
import type { CleanupOptions } from '../supervision/cleanup-options.js';
import type { GlobalCoordinator } from '../supervision/global-coordinator.js';

/** A cleanup run that threw. */
export interface CleanupFailure {
  dryRun: boolean;
  error: unknown;
}

/** The name the scheduled cleanup runs under as a plugin of the supervisors' election. */
export const CLEANUP_PLUGIN = 'stale-state-cleanup';

/**
 * The stale-state cleanup: scheduled as a leader-only job of the supervisors' GlobalCoordinator
 * (the seeds' cron, on exactly one daemon), and run by hand through POST /api/cleanup. Every
 * report is told to the listeners (the event feed, the metrics).
 */
export class CleanupJob {
  readonly #store: CleanupStore;
  readonly #logger: Logger;
  readonly #reports = new EventEmitter<{ report: [CleanupReport]; failure: [CleanupFailure] }>();

  constructor(store: CleanupStore, logger: Logger) {
    this.#store = store;
    this.#logger = logger;
  }

  onReport(listener: (report: CleanupReport) => void): () => void {
    this.#reports.on('report', listener);
    return () => void this.#reports.off('report', listener);
  }

  /** Runs that threw before they could report (the store unreachable at their start). */
  onFailure(listener: (failure: CleanupFailure) => void): () => void {
    this.#reports.on('failure', listener);
    return () => void this.#reports.off('failure', listener);
  }

  async run(options: Pick<CleanupOptions, 'dryRun' | 'staleThresholdMs'>): Promise<CleanupReport> {
    let report: CleanupReport;
    try {
      report = await cleanupStaleState(this.#store, { ...options, logger: this.#logger });
    } catch (error) {
      this.#reports.emit('failure', { dryRun: options.dryRun ?? true, error });
      throw error;
    }
    this.#reports.emit('report', report);
    return report;
  }

  /** Runs `run({ dryRun: false })` every intervalMs while `election`'s worker leads. */
  schedule(election: GlobalCoordinator, intervalMs: number): Promise<void> {
    return election.subscribePlugin(CLEANUP_PLUGIN, {
      leaderWork: {
        intervalMs,
        run: async () => {
          await this.run({ dryRun: false }).catch((error: unknown) => this.#logger.warn({ err: error }, 'scheduled cleanup failed; the next run retries'));
        },
      },
    });
  }
}
