// @ts-check
// The page's model: what the API said last, corrected by the events since. Rendering reads it;
// nothing here touches the DOM.

/** @typedef {import('./types.js').CoordinatorView} CoordinatorView */
/** @typedef {import('./types.js').NamespaceView} NamespaceView */
/** @typedef {import('./types.js').OpsEvent} OpsEvent */

/**
 * A coordinator as shown: its view plus when (page clock) it was last seen, so the heartbeat age
 * can tick locally between fetches.
 * @typedef {CoordinatorView & { seenAt: number }} Coordinator
 *
 * @typedef {object} Swarm
 * @property {string} swarmId
 * @property {Map<string, Coordinator>} coordinators
 * @property {string[][]} deadlocks
 *
 * What an event changed, so the caller re-renders and re-fetches only that.
 * @typedef {object} Effect
 * @property {boolean} table
 * @property {boolean} graph
 * @property {boolean} leaders
 * @property {string | null} refetchSwarm a swarm to re-read from the API
 * @property {boolean} refetchAll
 * @property {boolean} refetchLeaders
 */

export const FEED_LIMIT = 200;

export class DashboardState {
  /** @type {Map<string, Swarm>} */
  swarms = new Map();
  /** @type {(NamespaceView & { receivedAt: number })[]} */
  leaders = [];
  /** Newest last; at most FEED_LIMIT. @type {OpsEvent[]} */
  events = [];

  /**
   * Replaces the swarms the response holds (all of them when `only` is null), except those `keep`
   * names: an event changed them after the read was sent, so the read is older than the page.
   * @param {import('./types.js').CoordinatorsResponse} response
   * @param {number} now page clock (performance.now())
   * @param {string | null} only the swarm that was asked for, or null for all
   * @param {(swarmId: string) => boolean} [keep]
   */
  setCoordinators(response, now, only, keep = () => false) {
    /** @type {Map<string, Swarm>} */
    const kept = new Map();
    for (const [swarmId, swarm] of this.swarms) if ((only === null || only === swarmId) && keep(swarmId)) kept.set(swarmId, swarm);
    if (only === null) this.swarms.clear();
    else this.swarms.delete(only);
    for (const [swarmId, swarm] of kept) this.swarms.set(swarmId, swarm);
    for (const swarm of response.swarms) {
      if (kept.has(swarm.swarmId)) continue;
      /** @type {Map<string, Coordinator>} */
      const coordinators = new Map();
      for (const c of swarm.coordinators) coordinators.set(c.id, { ...c, seenAt: now - Math.max(0, c.heartbeatAgeMs) });
      this.swarms.set(swarm.swarmId, { swarmId: swarm.swarmId, coordinators, deadlocks: swarm.deadlocks.map((d) => d.cycle) });
    }
  }

  /**
   * @param {import('./types.js').LeadersResponse} response
   * @param {number} now page clock
   */
  setLeaders(response, now) {
    this.leaders = response.namespaces.map((ns) => ({ ...ns, receivedAt: now }));
  }

  /** @returns {Coordinator[]} every coordinator of every swarm */
  allCoordinators() {
    /** @type {Coordinator[]} */
    const all = [];
    for (const swarm of this.swarms.values()) for (const c of swarm.coordinators.values()) all.push(c);
    return all;
  }

  /**
   * Applies one event: the feed always; the model where the event says something the next fetch
   * would (so the row changes at once), and which re-fetch confirms it.
   * @param {OpsEvent} event
   * @returns {Effect}
   */
  apply(event) {
    this.events.push(event);
    if (this.events.length > FEED_LIMIT) this.events.splice(0, this.events.length - FEED_LIMIT);
    /** @type {Effect} */
    const effect = { table: false, graph: false, leaders: false, refetchSwarm: null, refetchAll: false, refetchLeaders: false };
    const swarmId = typeof event.swarmId === 'string' ? event.swarmId : null;
    const target = swarmId === null ? undefined : this.#coordinator(swarmId, event.coordinatorId);
    switch (event.type) {
      case 'warning':
      case 'timeout':
        if (target) {
          target.state = 'warned';
          if (typeof event.count === 'number') target.warnings = event.count;
          effect.table = true;
        }
        effect.refetchSwarm = swarmId;
        break;
      case 'recovered':
        if (target) {
          target.state = 'alive';
          target.warnings = 0;
          effect.table = true;
        }
        effect.refetchSwarm = swarmId;
        break;
      case 'escalation':
        if (target) {
          target.state = typeof event.replacementId === 'string' ? 'replaced' : 'dead';
          target.replacedBy = typeof event.replacementId === 'string' ? event.replacementId : target.replacedBy;
          effect.table = true;
          effect.graph = true;
        }
        effect.refetchSwarm = swarmId;
        break;
      case 'replacement':
        effect.refetchSwarm = swarmId;
        break;
      case 'deadlock': {
        const swarm = swarmId === null ? undefined : this.swarms.get(swarmId);
        const cycle = Array.isArray(event.cycle) ? event.cycle.filter((id) => typeof id === 'string') : [];
        if (swarm && cycle.length > 0 && !swarm.deadlocks.some((d) => d.join(' ') === cycle.join(' '))) {
          swarm.deadlocks.push(cycle);
          effect.graph = true;
          effect.table = true;
        }
        effect.refetchSwarm = swarmId;
        break;
      }
      case 'leader': {
        const ns = this.leaders.find((l) => l.namespace === event.namespace);
        if (ns) {
          ns.leaderId = typeof event.leaderId === 'string' ? event.leaderId : null;
          ns.epoch = typeof event.epoch === 'number' ? event.epoch : ns.epoch;
          effect.leaders = true;
        }
        effect.refetchLeaders = true;
        break;
      }
      case 'cleanup':
        effect.refetchAll = true;
        break;
      default:
        break; // signal, ack, breaker: the feed and the signal figures only
    }
    return effect;
  }

  /**
   * @param {string} swarmId
   * @param {unknown} id
   * @returns {Coordinator | undefined}
   */
  #coordinator(swarmId, id) {
    return typeof id === 'string' ? this.swarms.get(swarmId)?.coordinators.get(id) : undefined;
  }
}
