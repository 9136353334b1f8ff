// @ts-check
// The coordinator table: one string, one innerHTML per render, so 1,000 rows cost one parse;
// between renders only the heartbeat-age cells change, by textContent.

import { esc } from './escape.js';
import { duration } from './format.js';

/** @typedef {import('./state.js').Coordinator} Coordinator */

/** Rows drawn at most: past this the filter narrows it (the count says how many matched). */
export const MAX_ROWS = 2000;
const WAITS_SHOWN = 4;

/** Worst first; a state the page does not know sorts last and gets no state style. */
/** @type {Record<string, number>} */
const SEVERITY = { dead: 0, warned: 1, replaced: 2, alive: 3 };

/** @type {Record<string, (a: Coordinator, b: Coordinator) => number>} */
const ORDER = {
  state: (a, b) => (SEVERITY[a.state] ?? 9) - (SEVERITY[b.state] ?? 9) || b.heartbeatAgeMs - a.heartbeatAgeMs || byId(a, b),
  age: (a, b) => a.seenAt - b.seenAt || byId(a, b),
  warnings: (a, b) => b.warnings - a.warnings || byId(a, b),
  swarm: (a, b) => byId(a, b),
  id: (a, b) => compare(a.id, b.id) || compare(a.swarmId, b.swarmId),
};

/** @param {string} a @param {string} b */
function compare(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** @param {Coordinator} a @param {Coordinator} b */
function byId(a, b) {
  return compare(a.swarmId, b.swarmId) || compare(a.id, b.id);
}

/**
 * A class name for a state: only the known ones, never the API's string.
 * @param {unknown} state
 */
export function stateClass(state) {
  return typeof state === 'string' && state in SEVERITY ? `state-${state}` : 'state-unknown';
}

/**
 * The coordinators to show, filtered and sorted.
 * @param {Coordinator[]} all
 * @param {string} filter
 * @param {string} sort
 * @returns {Coordinator[]}
 */
export function select(all, filter, sort) {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  const matched =
    words.length === 0
      ? all
      : all.filter((c) => {
          const text = `${c.swarmId} ${c.id} ${c.state} ${c.status ?? ''} ${c.phase ?? ''}`.toLowerCase();
          return words.every((w) => text.includes(w));
        });
  return (matched === all ? [...all] : matched).sort(ORDER[sort] ?? ORDER.state);
}

/**
 * @param {Coordinator} c
 * @param {number} now page clock
 * @param {Set<string>} deadlocked "swarm id" of the coordinators in a cycle
 */
function row(c, now, deadlocked) {
  const waits = Array.isArray(c.waitingFor) ? c.waitingFor : [];
  const waitText = waits.slice(0, WAITS_SHOWN).map(esc).join(', ') + (waits.length > WAITS_SHOWN ? ` +${waits.length - WAITS_SHOWN}` : '');
  const deadlock = deadlocked.has(`${c.swarmId} ${c.id}`) ? ' <span class="badge deadlock">deadlock</span>' : '';
  const replacement = c.replacedBy ? `→ ${esc(c.replacedBy)}` : c.replaces ? `replaces ${esc(c.replaces)}` : '';
  const phase = c.phase === null ? '' : esc(c.phase) + (c.iteration === null ? '' : ` #${esc(c.iteration)}`);
  return (
    `<tr data-testid="coordinator-row" data-coordinator-id="${esc(c.id)}" data-swarm-id="${esc(c.swarmId)}" data-state="${esc(c.state)}" class="${stateClass(c.state)}">` +
    `<td>${esc(c.swarmId)}</td><th scope="row" class="id">${esc(c.id)}</th>` +
    `<td><span class="badge ${stateClass(c.state)}">${esc(c.state)}</span>${deadlock}</td>` +
    `<td>${esc(c.status ?? '')}</td><td>${phase}</td>` +
    `<td class="num age">${duration(now - c.seenAt)}</td>` +
    `<td class="num">${esc(c.warnings)}</td><td class="num">${esc(c.pendingSignals)}</td>` +
    `<td class="waits">${waitText}</td><td>${replacement}</td></tr>`
  );
}

export class CoordinatorTable {
  /** @type {HTMLTableSectionElement} */
  #body;
  /** @type {HTMLElement} */
  #count;
  /** The age cells and whose age each shows, in row order. @type {{ cell: Element, c: Coordinator }[]} */
  #ages = [];

  /**
   * @param {HTMLTableSectionElement} body
   * @param {HTMLElement} count
   */
  constructor(body, count) {
    this.#body = body;
    this.#count = count;
  }

  /**
   * @param {Coordinator[]} all
   * @param {{ filter: string, sort: string, now: number, deadlocked: Set<string> }} view
   */
  render(all, view) {
    const shown = select(all, view.filter, view.sort);
    const drawn = shown.slice(0, MAX_ROWS);
    let html = '';
    for (const c of drawn) html += row(c, view.now, view.deadlocked);
    if (drawn.length === 0) html = `<tr class="empty"><td colspan="10">${all.length === 0 ? 'No coordinator registered.' : 'No coordinator matches the filter.'}</td></tr>`;
    this.#body.innerHTML = html;
    const cells = this.#body.querySelectorAll('td.age');
    this.#ages = drawn.map((c, i) => ({ cell: /** @type {Element} */ (cells[i]), c }));
    this.#count.textContent =
      drawn.length < shown.length ? `(${drawn.length} of ${shown.length} shown, ${all.length} in all)` : shown.length < all.length ? `(${shown.length} of ${all.length})` : `(${all.length})`;
  }

  /** Advances the heartbeat ages without re-rendering. @param {number} now page clock */
  tick(now) {
    for (const { cell, c } of this.#ages) {
      const text = duration(now - c.seenAt);
      if (cell.textContent !== text) cell.textContent = text;
    }
  }
}
