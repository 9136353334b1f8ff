// @ts-check
// The leader and epoch of each namespace, and its workers with their heartbeat ages.

import { esc } from './escape.js';
import { duration } from './format.js';

/** @typedef {import('./types.js').NamespaceView & { receivedAt: number }} Namespace */

const WORKERS_SHOWN = 6;

/**
 * @param {Namespace[]} namespaces
 * @param {number} now page clock
 * @returns {string} the rows' markup
 */
export function leaderRows(namespaces, now) {
  if (namespaces.length === 0) return '<tr class="empty"><td colspan="4">No namespace has a worker.</td></tr>';
  let html = '';
  for (const ns of namespaces) {
    const elapsed = now - ns.receivedAt;
    // Counted down between reads; a leader renews before the end, so 0 means "renewal due", not lost.
    const left = ns.leaseRemainingMs === null ? null : ns.leaseRemainingMs - elapsed;
    const lease = left === null ? '–' : left > 0 ? duration(left) : '<small>renewal due</small>';
    const workers = Array.isArray(ns.workers) ? ns.workers : [];
    const list = workers
      .slice(0, WORKERS_SHOWN)
      .map((w) => `<span class="worker${w.workerId === ns.leaderId ? ' leader' : ''}">${esc(w.workerId)} <small>${duration(w.heartbeatAgeMs + elapsed)}</small></span>`)
      .join(' ');
    const more = workers.length > WORKERS_SHOWN ? ` <small>+${workers.length - WORKERS_SHOWN}</small>` : '';
    html +=
      `<tr data-testid="leader-row" data-namespace="${esc(ns.namespace)}" class="${ns.leaderId === null ? 'no-leader' : ''}">` +
      `<th scope="row">${esc(ns.namespace)}</th><td class="leader-id">${ns.leaderId === null ? '<span class="badge state-dead">none</span>' : esc(ns.leaderId)}</td>` +
      `<td class="num">${esc(ns.epoch ?? '–')}</td><td class="num">${lease}</td></tr>` +
      // Worker ids are long (host, time, random): they get a line of their own, which may wrap.
      `<tr class="workers-row"><td colspan="4"><small>${workers.length} worker${workers.length === 1 ? '' : 's'}:</small> ${list}${more}</td></tr>`;
  }
  return html;
}
