import type { Keyring } from '../protocol/keyring.js';
import type { Logger } from '../protocol/logger.js';
import type { Store } from '../store/port.js';
import type { CleanupReport } from '../supervision/cleanup.js';
import type { CleanupOptions } from '../supervision/cleanup-options.js';
import type { GlobalCoordinator } from '../supervision/global-coordinator.js';
import type { CoordinatorTimeoutHandler } from '../supervision/timeout-handler.js';
import type { DaemonConfig } from './config.js';
import type { EventHub } from './events/event-hub.js';
import type { DaemonMetrics } from './metrics.js';
import type { OpsSender } from './ops/ops-sender.js';
import type { Tokens } from './tokens.js';

/** What the routes share: the daemon's components. */
export interface DaemonContext {
  config: DaemonConfig;
  store: Store;
  supervisor: CoordinatorTimeoutHandler;
  election: GlobalCoordinator;
  keyring: () => Keyring;
  sender: OpsSender;
  hub: EventHub;
  metrics: DaemonMetrics;
  tokens: Tokens;
  logger: Logger;
  /** performance.now() at start. */
  startedAt: number;
  /** The supervisor's dead threshold, ms (the read model judges by it too). */
  deadThresholdMs: number;
  replayWindowMs: number;
  /** Runs a stale-state cleanup and reports it (to the feed and the metrics). */
  runCleanup(options: Pick<CleanupOptions, 'dryRun' | 'staleThresholdMs'>): Promise<CleanupReport>;
}
