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
 * followers the warning counts' changes (`timeout` for a first warning, `warning`, `recovered`)
 * and new wait-for cycles (`deadlock`). The first pass only learns where things stand.
 */
export class SwarmWatch {
  readonly #options: SwarmWatchOptions;
  readonly #cursors = new Map<string, string>();
  /** Per swarm: the warning count of each warned coordinator at the last pass. */
  readonly #warnings = new Map<string, Map<string, number>>();
  /** Wait-for cycles seen, per swarm (each reported once while it lasts). */
  readonly #cycles = new Map<string, Set<string>>();
  readonly #timer: NodeJS.Timeout;
  /** Swarms read once already: from the next pass on, their changes are reported. */
  readonly #primed = new Set<string>();
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
    for (const swarmId of await store.listSwarms()) {
      // A swarm seen for the first time is learned, not reported: its log and counts predate this feed.
      const primed = this.#primed.has(swarmId);
      const replacements = await readReplacements(store, swarmId, this.#cursors.get(swarmId) ?? '0-0');
      for (const r of replacements) {
        this.#cursors.set(swarmId, r.entryId);
        if (!primed) continue;
        publish({ type: 'replacement', at: Date.now(), swarmId, coordinatorId: r.oldCoordinatorId, replacementId: r.newCoordinatorId });
        if (!leads()) publish({ type: 'escalation', at: Date.now(), swarmId, coordinatorId: r.oldCoordinatorId, replacementId: r.newCoordinatorId, workItemsMoved: null, signalsMoved: null });
      }
      if (leads()) {
        this.#primed.add(swarmId);
        continue;
      }
      const view = await readSwarm(store, swarmId, now, { deadThresholdMs });
      const counts = this.#warnings.get(swarmId) ?? new Map<string, number>();
      const next = new Map<string, number>();
      for (const c of view.coordinators) {
        const before = counts.get(c.id) ?? 0;
        if (c.warnings > 0) next.set(c.id, c.warnings);
        if (!primed) continue;
        if (c.warnings > 0 && before === 0) publish({ type: 'timeout', at: Date.now(), swarmId, coordinatorId: c.id, silentMs: c.heartbeatAgeMs, lastSeen: c.lastSeen });
        if (c.warnings > before) publish({ type: 'warning', at: Date.now(), swarmId, coordinatorId: c.id, count: c.warnings, silentMs: c.heartbeatAgeMs });
        // An escalation clears the warnings too: that is no recovery.
        else if (c.warnings === 0 && before > 0 && c.state !== 'replaced') publish({ type: 'recovered', at: Date.now(), swarmId, coordinatorId: c.id, warnings: before });
      }
      this.#warnings.set(swarmId, next);
      const seen = this.#cycles.get(swarmId) ?? new Set<string>();
      const current = new Set(view.deadlocks.map(({ cycle }) => cycle.join(' ')));
      if (primed) for (const { cycle } of view.deadlocks) if (!seen.has(cycle.join(' '))) publish({ type: 'deadlock', at: Date.now(), swarmId, cycle });
      this.#cycles.set(swarmId, current);
      this.#primed.add(swarmId);
    }
  }
}
