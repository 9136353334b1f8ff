import type { Logger } from '../../protocol/logger.js';
import type { Store } from '../../store/port.js';
import { readReplacements } from '../read-model/replacements.js';
import { readSwarm } from '../read-model/swarm-reader.js';
import type { DaemonEvent } from './event-hub.js';

export interface SwarmWatchOptions {
  store: Store;
  intervalMs: number;
  deadThresholdMs: number;
  /** Whether this daemon's supervisor leads now: then its own events are published, and warnings are not diffed here. */
  leads: () => boolean;
  publish: (event: DaemonEvent) => void;
  logger: Logger;
}

/**
 * What the store shows of supervision, for a daemon's feed whichever daemon leads: each swarm's
 * event log (`replacement`, and `escalation` on followers, whose own supervisor saw none), and on
 * followers the warning counts' changes (`warning`, `recovered`). The first pass only learns
 * where things stand.
 */
export class SwarmWatch {
  readonly #options: SwarmWatchOptions;
  readonly #cursors = new Map<string, string>();
  readonly #warnings = new Map<string, number>();
  readonly #timer: NodeJS.Timeout;
  #primed = false;
  #running: Promise<void> | undefined;

  constructor(options: SwarmWatchOptions) {
    this.#options = options;
    this.#timer = setInterval(() => void this.poll(), options.intervalMs);
    this.#timer.unref();
    void this.poll();
  }

  /** One pass (a pass still running is not overlapped). */
  poll(): Promise<void> {
    this.#running ??= this.#pass()
      .catch((error: unknown) => this.#options.logger.debug({ err: error }, 'event feed: swarm read failed; next pass retries'))
      .finally(() => (this.#running = undefined));
    return this.#running;
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }

  async #pass(): Promise<void> {
    const { store, publish, leads, deadThresholdMs } = this.#options;
    const now = await store.time();
    const primed = this.#primed;
    for (const swarmId of await store.listSwarms()) {
      const replacements = await readReplacements(store, swarmId, this.#cursors.get(swarmId) ?? '0-0');
      for (const r of replacements) {
        this.#cursors.set(swarmId, r.entryId);
        if (!primed) continue;
        publish({ type: 'replacement', at: Date.now(), swarmId, coordinatorId: r.oldCoordinatorId, replacementId: r.newCoordinatorId });
        if (!leads()) publish({ type: 'escalation', at: Date.now(), swarmId, coordinatorId: r.oldCoordinatorId, replacementId: r.newCoordinatorId, workItemsMoved: null, signalsMoved: null });
      }
      if (leads()) continue;
      const view = await readSwarm(store, swarmId, now, { deadThresholdMs });
      for (const c of view.coordinators) {
        const key = `${swarmId}\n${c.id}`;
        const before = this.#warnings.get(key) ?? 0;
        if (c.warnings > 0) this.#warnings.set(key, c.warnings);
        else this.#warnings.delete(key);
        if (!primed) continue;
        if (c.warnings > before) publish({ type: 'warning', at: Date.now(), swarmId, coordinatorId: c.id, count: c.warnings, silentMs: c.heartbeatAgeMs });
        else if (c.warnings === 0 && before > 0) publish({ type: 'recovered', at: Date.now(), swarmId, coordinatorId: c.id, warnings: before });
      }
    }
    this.#primed = true;
  }
}
