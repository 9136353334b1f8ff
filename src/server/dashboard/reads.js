// @ts-check
// The page's reads of the ops API: everything (at connection, periodically, when the tab comes
// back), one swarm soon after an event about it, the leaders after a leader change. A read sent
// before an event about its swarm is not applied to that swarm: the event scheduled a newer one.

import { getJson, Unauthorized } from './api.js';

/** @typedef {import('./types.js').CoordinatorsResponse} CoordinatorsResponse */
/** @typedef {import('./types.js').LeadersResponse} LeadersResponse */
/** @typedef {import('./state.js').DashboardState} DashboardState */

/** Events about one swarm within this delay share one read. */
const DEBOUNCE_MS = 300;
/** Between full reads: often enough that a live coordinator's age stays small, and at least ten
 * times the last read's cost, so a big fleet does not keep the daemon busy. */
const FULL = { minMs: 3_000, maxMs: 30_000, costFactor: 10 };

/**
 * @typedef {object} ReadHandlers
 * @property {() => string} token the current token ('' for none: nothing is read)
 * @property {(parts: { table?: boolean, graph?: boolean, swarms?: boolean, leaders?: boolean }) => void} onRead what to redraw
 * @property {(message: string) => void} onUnauthorized the token was refused, with the daemon's words
 * @property {(problem: string) => void} onProblem '' once a read succeeds again
 */

export class Reads {
  /** @type {DashboardState} */
  #state;
  /** @type {ReadHandlers} */
  #on;
  /** Page clock of the last event that changed each swarm's model. @type {Map<string, number>} */
  #changedAt = new Map();
  /** @type {Map<string, ReturnType<typeof setTimeout>>} */
  #swarmTimers = new Map();
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  #leadersTimer;
  #costMs = 0;

  /**
   * @param {DashboardState} state
   * @param {ReadHandlers} handlers
   */
  constructor(state, handlers) {
    this.#state = state;
    this.#on = handlers;
  }

  /** An event just changed this swarm's model: reads sent before now must not overwrite it. @param {string} swarmId */
  changed(swarmId) {
    this.#changedAt.set(swarmId, performance.now());
  }

  /** Reads coordinators and leaders now. */
  all() {
    return this.#guarded(async (token) => {
      const sentAt = performance.now();
      const [coordinators, leaders] = await Promise.all([
        /** @type {Promise<CoordinatorsResponse>} */ (getJson('/api/coordinators', token)),
        /** @type {Promise<LeadersResponse>} */ (getJson('/api/leaders', token)),
      ]);
      const now = performance.now();
      this.#state.setCoordinators(coordinators, now, null, this.#newerThan(sentAt));
      this.#state.setLeaders(leaders, now);
      this.#on.onRead({ table: true, graph: true, swarms: true, leaders: true });
      this.#costMs = performance.now() - sentAt;
    });
  }

  /** Re-reads one swarm soon. @param {string} swarmId */
  swarm(swarmId) {
    if (this.#swarmTimers.has(swarmId)) return;
    const timer = setTimeout(() => {
      this.#swarmTimers.delete(swarmId);
      void this.#guarded(async (token) => {
        const sentAt = performance.now();
        const response = /** @type {CoordinatorsResponse} */ (await getJson(`/api/coordinators?swarm=${encodeURIComponent(swarmId)}`, token));
        this.#state.setCoordinators(response, performance.now(), swarmId, this.#newerThan(sentAt));
        this.#on.onRead({ table: true, graph: true, swarms: true });
      });
    }, DEBOUNCE_MS);
    this.#swarmTimers.set(swarmId, timer);
  }

  /** Re-reads the leaders soon. */
  leaders() {
    if (this.#leadersTimer !== undefined) return;
    this.#leadersTimer = setTimeout(() => {
      this.#leadersTimer = undefined;
      void this.#guarded(async (token) => {
        this.#state.setLeaders(/** @type {LeadersResponse} */ (await getJson('/api/leaders', token)), performance.now());
        this.#on.onRead({ leaders: true });
      });
    }, DEBOUNCE_MS);
  }

  /** Reads everything periodically, while `wanted()` says so (a visible tab, a live stream). @param {() => boolean} wanted */
  every(wanted) {
    const delay = Math.min(FULL.maxMs, Math.max(FULL.minMs, this.#costMs * FULL.costFactor));
    setTimeout(async () => {
      if (wanted()) await this.all();
      this.every(wanted);
    }, delay);
  }

  /** @param {number} sentAt */
  #newerThan(sentAt) {
    return (/** @type {string} */ swarmId) => (this.#changedAt.get(swarmId) ?? -Infinity) > sentAt;
  }

  /** Runs one read; a refused token is reported, other failures shown. @param {(token: string) => Promise<void>} read */
  async #guarded(read) {
    const token = this.#on.token();
    if (!token) return;
    try {
      await read(token);
      this.#on.onProblem('');
    } catch (error) {
      if (error instanceof Unauthorized) this.#on.onUnauthorized(error.message);
      else this.#on.onProblem(`Could not read the ops API: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
