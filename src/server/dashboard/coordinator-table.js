// @ts-check
// The coordinator table. Each row's markup is a string; only rows whose string changed are parsed
// (all of them in one pass), the others are kept as they are, so an event about one coordinator
// costs one new row, not 1,000. Heartbeat ages are not in the strings: they change every second,
// by textContent.

import { esc } from './escape.js';
import { duration } from './format.js';

/** @typedef {import('./state.js').Coordinator} Coordinator */

/** Rows drawn at most: past this the filter narrows it (the count says how many matched). */
export const MAX_ROWS = 2000;
const WAITS_SHOWN = 4;
/** The heartbeat-age cell's index in a row. */
const AGE_CELL = 5;

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
 * A row's markup, without its heartbeat age (filled in by text).
 * @param {Coordinator} c
 * @param {Set<string>} deadlocked "swarm id" of the coordinators in a cycle
 */
function row(c, deadlocked) {
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
    `<td class="num age"></td>` +
    `<td class="num">${esc(c.warnings)}</td><td class="num">${esc(c.pendingSignals)}</td>` +
    `<td class="waits">${waitText}</td><td>${replacement}</td></tr>`
  );
}

/** @typedef {{ tr: Element, html: string, age: Element }} DrawnRow */

export class CoordinatorTable {
  /** @type {HTMLTableSectionElement} */
  #body;
  /** @type {HTMLElement} */
  #count;
  /** The rows on screen by "swarm\0id", with the markup each was made from. @type {Map<string, DrawnRow>} */
  #rows = new Map();
  /** The age cells and whose age each shows, in row order. @type {{ cell: Element, c: Coordinator }[]} */
  #ages = [];
  #parser = document.createElement('template');

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
   * @returns {'full' | 'update'} whether every row was drawn anew or only the changed ones
   */
  render(all, view) {
    const shown = select(all, view.filter, view.sort);
    const drawn = shown.slice(0, MAX_ROWS);
    this.#count.textContent =
      drawn.length < shown.length ? `(${drawn.length} of ${shown.length} shown, ${all.length} in all)` : shown.length < all.length ? `(${shown.length} of ${all.length})` : `(${all.length})`;
    if (drawn.length === 0) {
      this.#rows.clear();
      this.#ages = [];
      this.#body.innerHTML = `<tr class="empty"><td colspan="10">${all.length === 0 ? 'No coordinator registered.' : 'No coordinator matches the filter.'}</td></tr>`;
      return 'full';
    }
    const keys = drawn.map((c) => `${c.swarmId}\u0000${c.id}`);
    const htmls = drawn.map((c) => row(c, view.deadlocked));
    /** @type {number[]} */
    const changed = [];
    for (let i = 0; i < drawn.length; i += 1) if (this.#rows.get(/** @type {string} */ (keys[i]))?.html !== htmls[i]) changed.push(i);

    /** @type {Map<string, DrawnRow>} */
    const next = new Map();
    const full = changed.length > drawn.length / 2;
    if (full) {
      // Mostly new (the first render, a new filter): one innerHTML is the cheapest.
      this.#body.innerHTML = htmls.join('');
      const trs = this.#body.children;
      keys.forEach((key, i) => {
        const tr = /** @type {Element} */ (trs[i]);
        next.set(key, { tr, html: /** @type {string} */ (htmls[i]), age: /** @type {Element} */ (tr.children[AGE_CELL]) });
      });
    } else {
      // The changed rows, parsed in one pass; the stale ones leave; then the fewest moves.
      this.#parser.innerHTML = changed.map((i) => htmls[i]).join('');
      const fresh = this.#parser.content.children;
      changed.forEach((i, n) => {
        const tr = /** @type {Element} */ (fresh[n]);
        next.set(/** @type {string} */ (keys[i]), { tr, html: /** @type {string} */ (htmls[i]), age: /** @type {Element} */ (tr.children[AGE_CELL]) });
      });
      for (const key of keys) if (!next.has(key)) next.set(key, /** @type {DrawnRow} */ (this.#rows.get(key)));
      for (const [key, old] of this.#rows) if (next.get(key)?.tr !== old.tr) old.tr.remove();
      this.#body.querySelector('tr.empty')?.remove();
      let at = this.#body.firstElementChild;
      for (const key of keys) {
        const tr = /** @type {DrawnRow} */ (next.get(key)).tr;
        if (at !== tr && at !== null && at.nextElementSibling === tr) {
          const displaced = at; // it moved down: take it out, it goes back in at its turn
          at = tr;
          displaced.remove();
        }
        if (at === tr) at = at.nextElementSibling;
        else this.#body.insertBefore(tr, at);
      }
      while (at !== null) {
        const rest = at.nextElementSibling; // nothing should be left; if it is, it is not ours
        at.remove();
        at = rest;
      }
    }
    this.#rows = next;
    this.#ages = drawn.map((c, i) => ({ cell: /** @type {DrawnRow} */ (next.get(/** @type {string} */ (keys[i]))).age, c }));
    for (const i of changed) {
      const { cell, c } = /** @type {{ cell: Element, c: Coordinator }} */ (this.#ages[i]);
      cell.textContent = duration(view.now - c.seenAt);
    }
    this.tick(view.now); // the kept rows' coordinators may have been re-read: new ages
    return full ? 'full' : 'update';
  }

  /** Advances the heartbeat ages without re-rendering. @param {number} now page clock */
  tick(now) {
    for (const { cell, c } of this.#ages) {
      const text = duration(now - c.seenAt);
      if (cell.textContent !== text) cell.textContent = text;
    }
  }
}
