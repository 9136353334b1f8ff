// @ts-check
// One line per swarm: how many coordinators, in which states, and how many deadlocks. A swarm's
// name is a button that filters the coordinator table to it.

import { esc } from './escape.js';

/** @typedef {import('./state.js').Swarm} Swarm */

/**
 * @param {Iterable<Swarm>} swarms
 * @returns {string} the rows' markup
 */
export function swarmRows(swarms) {
  const sorted = [...swarms].sort((a, b) => (a.swarmId < b.swarmId ? -1 : a.swarmId > b.swarmId ? 1 : 0));
  if (sorted.length === 0) return '<tr class="empty"><td colspan="4">No swarm yet.</td></tr>';
  let html = '';
  for (const swarm of sorted) {
    /** @type {Record<string, number>} */
    const counts = { dead: 0, warned: 0, replaced: 0, alive: 0 };
    for (const c of swarm.coordinators.values()) if (c.state in counts) counts[c.state] = (counts[c.state] ?? 0) + 1;
    // Worst first; a state nobody is in is left out.
    const states = Object.entries(counts)
      .filter(([, n]) => n > 0)
      .map(([state, n]) => `<span class="count-${state}">${n} ${state}</span>`)
      .join(', ');
    html +=
      `<tr data-testid="swarm-row" data-swarm-id="${esc(swarm.swarmId)}">` +
      `<th scope="row"><button type="button" class="link" data-swarm="${esc(swarm.swarmId)}" title="Show this swarm's coordinators">${esc(swarm.swarmId)}</button></th>` +
      `<td class="num">${swarm.coordinators.size}</td><td class="states">${states}</td>` +
      `<td class="num${swarm.deadlocks.length ? ' count-deadlock' : ''}">${swarm.deadlocks.length}</td></tr>`;
  }
  return html;
}
