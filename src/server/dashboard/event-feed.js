// @ts-check
// The live event feed, newest first, at most FEED_LIMIT items. Events arrive in bursts (a
// fleet's signals): they are queued and inserted once per frame, as one string.

import { esc } from './escape.js';
import { clock, duration, latency } from './format.js';
import { FEED_LIMIT } from './state.js';

/** @typedef {import('./types.js').OpsEvent} OpsEvent */

/** Types styled on their own; any other type is shown, unstyled. */
const KNOWN = new Set(['signal', 'ack', 'warning', 'recovered', 'timeout', 'escalation', 'replacement', 'deadlock', 'leader', 'breaker', 'cleanup']);
const TRAFFIC = new Set(['signal', 'ack']);
const SKIPPED_FIELDS = new Set(['type', 'at', 'swarmId']);

/** @param {unknown} v */
const str = (v) => (v === null || v === undefined ? '–' : esc(typeof v === 'object' ? JSON.stringify(v) : v));
/** @param {unknown} v */
const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * What an event says, as escaped markup.
 * @param {OpsEvent} e
 * @returns {string}
 */
export function describe(e) {
  switch (e.type) {
    case 'signal':
      return `${str(e.from)} → ${str(e.to)} <code>${str(e.signalType)}</code>, ${latency(num(e.latencyMs))}`;
    case 'ack':
      return `${str(e.from)} acknowledged ${str(e.to)}'s signal`;
    case 'warning':
      return `<b>${str(e.coordinatorId)}</b> silent for ${duration(num(e.silentMs))}, warning ${str(e.count)}`;
    case 'timeout':
      return `<b>${str(e.coordinatorId)}</b> timed out, silent for ${duration(num(e.silentMs))}`;
    case 'recovered':
      return `<b>${str(e.coordinatorId)}</b> recovered`;
    case 'escalation': {
      // A daemon that does not lead learns of it from the event log, without the counts.
      const moved = num(e.workItemsMoved) !== null ? `: ${num(e.workItemsMoved)} work items, ${num(e.signalsMoved) ?? '–'} signals moved` : '';
      return `<b>${str(e.coordinatorId)}</b> escalated to ${str(e.replacementId)}${moved}`;
    }
    case 'replacement':
      return `<b>${str(e.coordinatorId)}</b> replaced by ${str(e.replacementId)}`;
    case 'deadlock': {
      const cycle = Array.isArray(e.cycle) ? e.cycle.map(str) : [];
      return `cycle ${cycle.concat(cycle.slice(0, 1)).join(' → ')}`;
    }
    case 'leader':
      return `${str(e.namespace)}: leader ${str(e.leaderId)}, epoch ${str(e.epoch)}`;
    case 'breaker':
      return `circuit breaker ${str(e.state)}`;
    default:
      return Object.entries(e)
        .filter(([k]) => !SKIPPED_FIELDS.has(k))
        .slice(0, 6)
        .map(([k, v]) => `${esc(k)} ${str(v)}`)
        .join(', ');
  }
}

/** @param {OpsEvent} e */
function item(e) {
  const type = KNOWN.has(e.type) ? e.type : 'other';
  const swarm = typeof e.swarmId === 'string' ? `<span class="swarm">${esc(e.swarmId)}</span> ` : '';
  return (
    `<li data-testid="event-item" data-event-type="${esc(e.type)}" class="ev ev-${type}">` +
    `<time>${clock(num(e.at) ?? Date.now())}</time> <span class="badge ev-${type}">${esc(e.type)}</span> ${swarm}<span class="what">${describe(e)}</span></li>`
  );
}

export class EventFeed {
  /** @type {HTMLOListElement} */
  #list;
  /** @type {OpsEvent[]} */
  #queued = [];
  hideTraffic = false;

  /** @param {HTMLOListElement} list */
  constructor(list) {
    this.#list = list;
  }

  /** @param {OpsEvent} event */
  queue(event) {
    if (this.hideTraffic && TRAFFIC.has(event.type)) return;
    this.#queued.push(event);
    if (this.#queued.length > FEED_LIMIT) this.#queued.splice(0, this.#queued.length - FEED_LIMIT);
  }

  /** Inserts what was queued since the last flush. */
  flush() {
    if (this.#queued.length === 0) return;
    let html = '';
    for (let i = this.#queued.length - 1; i >= 0; i -= 1) html += item(/** @type {OpsEvent} */ (this.#queued[i]));
    this.#queued = [];
    this.#list.insertAdjacentHTML('afterbegin', html);
    while (this.#list.childElementCount > FEED_LIMIT) this.#list.lastElementChild?.remove();
  }

  /** Redraws from the kept events (after the traffic filter changed). @param {OpsEvent[]} events oldest first */
  reset(events) {
    this.#queued = [];
    this.#list.textContent = '';
    for (const e of events) this.queue(e);
    this.flush();
  }
}
