// @ts-check
// The wait-for graph of each swarm as inline SVG, on a circle: only the coordinators that wait or
// are waited for (at 1,000 coordinators the idle ones would bury the few that matter), the
// members of a deadlock first and their edges in red.

import { esc } from './escape.js';
import { stateClass } from './coordinator-table.js';

/** @typedef {import('./state.js').Swarm} Swarm */

/** Nodes drawn per swarm at most; beyond it the graph says how many were left out. */
export const MAX_NODES = 120;
const NODE_R = 6;
const LABEL_CHARS = 18;

/**
 * The nodes to draw, cycle members first in cycle order, then by how many edges they have.
 * @param {Swarm} swarm
 * @returns {{ nodes: string[], edges: [string, string][], cycleEdges: Set<string>, total: number }}
 */
export function waitGraph(swarm) {
  /** @type {[string, string][]} */
  const edges = [];
  /** @type {Map<string, number>} */
  const degree = new Map();
  const bump = (/** @type {string} */ id) => degree.set(id, (degree.get(id) ?? 0) + 1);
  for (const c of swarm.coordinators.values()) {
    if (!Array.isArray(c.waitingFor)) continue;
    for (const to of c.waitingFor) {
      if (typeof to !== 'string' || to === c.id) continue;
      edges.push([c.id, to]);
      bump(c.id);
      bump(to);
    }
  }
  const cycleEdges = new Set();
  /** @type {string[]} */
  const ordered = [];
  const placed = new Set();
  for (const cycle of swarm.deadlocks) {
    cycle.forEach((id, i) => {
      cycleEdges.add(`${id}\u0000${cycle[(i + 1) % cycle.length]}`);
      if (!placed.has(id)) {
        placed.add(id);
        ordered.push(id);
        if (!degree.has(id)) degree.set(id, 0);
      }
    });
  }
  const rest = [...degree.keys()].filter((id) => !placed.has(id)).sort((a, b) => (degree.get(b) ?? 0) - (degree.get(a) ?? 0) || (a < b ? -1 : 1));
  const nodes = ordered.concat(rest).slice(0, MAX_NODES);
  const shown = new Set(nodes);
  return { nodes, edges: edges.filter(([a, b]) => shown.has(a) && shown.has(b)), cycleEdges, total: degree.size };
}

/**
 * @param {Swarm} swarm
 * @param {number} index unique per page: marker ids must not come from API strings
 * @returns {string} markup, or '' when nobody in the swarm waits
 */
export function graphSvg(swarm, index) {
  const { nodes, edges, cycleEdges, total } = waitGraph(swarm);
  if (nodes.length === 0) return '';
  const radius = Math.max(50, (nodes.length * 24) / (2 * Math.PI));
  const pad = 100; // room for the labels outside the circle
  const size = 2 * (radius + pad);
  const centre = size / 2;
  /** @type {Map<string, { x: number, y: number, angle: number }>} */
  const at = new Map();
  nodes.forEach((id, i) => {
    const angle = (2 * Math.PI * i) / nodes.length - Math.PI / 2;
    at.set(id, { x: centre + radius * Math.cos(angle), y: centre + radius * Math.sin(angle), angle });
  });
  let lines = '';
  for (const [from, to] of edges) {
    const a = /** @type {{ x: number, y: number }} */ (at.get(from));
    const b = /** @type {{ x: number, y: number }} */ (at.get(to));
    const length = Math.hypot(b.x - a.x, b.y - a.y) || 1;
    const [dx, dy] = [(b.x - a.x) / length, (b.y - a.y) / length];
    const hot = cycleEdges.has(`${from}\u0000${to}`);
    lines +=
      `<line class="${hot ? 'edge deadlock' : 'edge'}" marker-end="url(#arrow-${hot ? 'hot' : 'plain'}-${index})" ` +
      `x1="${(a.x + dx * NODE_R).toFixed(1)}" y1="${(a.y + dy * NODE_R).toFixed(1)}" x2="${(b.x - dx * (NODE_R + 3)).toFixed(1)}" y2="${(b.y - dy * (NODE_R + 3)).toFixed(1)}">` +
      `<title>${esc(from)} waits for ${esc(to)}${hot ? ' (deadlock)' : ''}</title></line>`;
  }
  const inCycle = new Set(swarm.deadlocks.flat());
  let dots = '';
  for (const id of nodes) {
    const p = /** @type {{ x: number, y: number, angle: number }} */ (at.get(id));
    const c = swarm.coordinators.get(id);
    const cls = `node ${c ? stateClass(c.state) : 'unregistered'}${inCycle.has(id) ? ' deadlock' : ''}`;
    const right = Math.cos(p.angle) >= 0;
    const lx = p.x + Math.cos(p.angle) * (NODE_R + 6);
    const ly = p.y + Math.sin(p.angle) * (NODE_R + 6) + 4;
    const label = id.length > LABEL_CHARS ? `${id.slice(0, LABEL_CHARS - 1)}…` : id;
    dots +=
      `<g class="${cls}"><title>${esc(id)}${c ? ` (${esc(c.state)})` : ' (not registered)'}</title>` +
      `<circle cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="${NODE_R}"/>` +
      `<text x="${lx.toFixed(1)}" y="${ly.toFixed(1)}" text-anchor="${right ? 'start' : 'end'}">${esc(label)}</text></g>`;
  }
  const note = total > nodes.length ? `<p class="note">${nodes.length} of ${total} waiting coordinators drawn.</p>` : '';
  const cycles = swarm.deadlocks.length ? ` <span class="badge deadlock">${swarm.deadlocks.length} deadlock${swarm.deadlocks.length > 1 ? 's' : ''}</span>` : '';
  return (
    `<figure class="wait-graph" data-testid="wait-graph" data-swarm-id="${esc(swarm.swarmId)}"><figcaption>${esc(swarm.swarmId)}${cycles}</figcaption>` +
    `<svg viewBox="0 0 ${size.toFixed(0)} ${size.toFixed(0)}" width="${Math.min(size, 520).toFixed(0)}" role="img" aria-label="wait-for graph of swarm ${esc(swarm.swarmId)}">` +
    `<defs>${marker(`arrow-plain-${index}`, 'arrow')}${marker(`arrow-hot-${index}`, 'arrow deadlock')}</defs>${lines}${dots}</svg>${note}</figure>`
  );
}

/** @param {string} id @param {string} cls */
function marker(id, cls) {
  return `<marker id="${id}" class="${cls}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker>`;
}

/**
 * Every swarm's graph, or a sentence when nobody waits.
 * @param {Iterable<Swarm>} swarms
 * @returns {string}
 */
export function graphsHtml(swarms) {
  let html = '';
  let index = 0;
  for (const swarm of [...swarms].sort((a, b) => b.deadlocks.length - a.deadlocks.length || (a.swarmId < b.swarmId ? -1 : 1))) html += graphSvg(swarm, index++);
  return html || '<p class="empty">No coordinator waits for another.</p>';
}
