// @ts-check
// The dashboard's entry: wires the token form, the API reads, the event stream and the views.
// Changes mark parts dirty; one animation frame renders what is dirty, so a burst of events
// costs one render.

import { getJson, loadToken, saveToken, Unauthorized } from './api.js';
import { CoordinatorTable } from './coordinator-table.js';
import { EventFeed } from './event-feed.js';
import { EventStream } from './event-stream.js';
import { latency } from './format.js';
import { leaderRows } from './leaders-table.js';
import { Reads } from './reads.js';
import { SignalStats, WINDOW_S } from './signal-stats.js';
import { sparkline } from './sparkline.js';
import { DashboardState } from './state.js';
import { swarmRows } from './swarm-summary.js';
import { recordTiming } from './timings.js';
import { graphsHtml } from './wait-graph.js';

/** @typedef {import('./types.js').ConnectionState} ConnectionState */
/** @typedef {import('./types.js').OpsEvent} OpsEvent */

/**
 * @template {HTMLElement} T
 * @param {string} id
 * @returns {T}
 */
function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`dashboard: #${id} is missing from index.html`);
  return /** @type {T} */ (element);
}

const ui = {
  form: /** @type {HTMLFormElement} */ (byId('token-form')),
  token: /** @type {HTMLInputElement} */ (byId('token')),
  connection: byId('connection'),
  notice: byId('notice'),
  swarms: byId('swarm-rows'),
  leaders: byId('leader-rows'),
  graphs: byId('graphs'),
  filter: /** @type {HTMLInputElement} */ (byId('filter')),
  sort: /** @type {HTMLSelectElement} */ (byId('sort')),
  hideTraffic: /** @type {HTMLInputElement} */ (byId('hide-traffic')),
  rateNow: byId('rate-now'),
  rateTotal: byId('rate-total'),
  rateChart: byId('rate-chart'),
  p50: byId('latency-p50'),
  p95: byId('latency-p95'),
  latencyChart: byId('latency-chart'),
};

const state = new DashboardState();
const stats = new SignalStats();
const table = new CoordinatorTable(/** @type {HTMLTableSectionElement} */ (byId('coordinator-rows')), byId('coordinator-count'));
const feed = new EventFeed(/** @type {HTMLOListElement} */ (byId('event-feed')));
const dirty = { table: false, graph: false, swarms: false, leaders: false, signals: false, feed: false };
/** Page clock of the oldest event not yet rendered, to time event -> screen. */
let eventPendingSince = /** @type {number | null} */ (null);
let frame = 0;
let token = loadToken();

/** @type {Record<ConnectionState, string>} */
const CONNECTION_TEXT = {
  'no-token': 'no token: enter the API token',
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  unauthorized: 'unauthorized: check the token',
};

/** @param {ConnectionState} value */
function setConnection(value) {
  ui.connection.dataset.state = value;
  ui.connection.textContent = CONNECTION_TEXT[value];
}

/** @param {string} text empty to hide */
function setNotice(text) {
  ui.notice.hidden = text === '';
  ui.notice.textContent = text;
}

/** Marks parts for the next frame (a part already marked stays marked). @param {Partial<typeof dirty>} parts */
function markDirty(parts) {
  for (const part of /** @type {(keyof typeof dirty)[]} */ (Object.keys(parts))) if (parts[part]) dirty[part] = true;
  if (frame === 0) frame = requestAnimationFrame(render);
}

function render() {
  frame = 0;
  const started = performance.now();
  const now = started;
  if (dirty.table) {
    const deadlocked = new Set();
    for (const swarm of state.swarms.values()) for (const cycle of swarm.deadlocks) for (const id of cycle) deadlocked.add(`${swarm.swarmId} ${id}`);
    const kind = table.render(state.allCoordinators(), { filter: ui.filter.value, sort: ui.sort.value, now, deadlocked });
    recordTiming(`table-${kind}`, performance.now() - started);
  }
  if (dirty.swarms || dirty.table) ui.swarms.innerHTML = swarmRows(state.swarms.values());
  if (dirty.graph) ui.graphs.innerHTML = graphsHtml(state.swarms.values());
  if (dirty.leaders) ui.leaders.innerHTML = leaderRows(state.leaders, now);
  if (dirty.feed) feed.flush();
  if (dirty.signals) renderSignals();
  for (const part of /** @type {(keyof typeof dirty)[]} */ (Object.keys(dirty))) dirty[part] = false;
  const ended = performance.now();
  recordTiming('frame', ended - started);
  if (eventPendingSince !== null) recordTiming('event-to-screen', ended - eventPendingSince);
  eventPendingSince = null;
}

function renderSignals() {
  const now = Date.now();
  const rates = stats.rates(now);
  const last10 = rates.slice(-10).reduce((a, b) => a + b, 0) / 10;
  ui.rateNow.textContent = last10 >= 10 ? last10.toFixed(0) : last10.toFixed(1);
  ui.rateTotal.textContent = String(rates.reduce((a, b) => a + b, 0));
  ui.rateChart.innerHTML = sparkline(rates, { label: `signals per second over the last ${WINDOW_S / 60} minutes` });
  const { p95s, p50, p95 } = stats.latency(now);
  ui.p50.textContent = latency(p50);
  ui.p95.textContent = latency(p95);
  ui.latencyChart.innerHTML = sparkline(p95s, { label: 'p95 delivery latency per 10 seconds, ms' });
}

const reads = new Reads(state, {
  token: () => token,
  onRead: markDirty,
  onUnauthorized: (message) => {
    stream.close();
    setConnection('unauthorized');
    setNotice(message);
  },
  onProblem: setNotice,
});

/** @param {OpsEvent} event */
function onEvent(event) {
  eventPendingSince ??= performance.now();
  const effect = state.apply(event);
  if ((effect.table || effect.graph) && typeof event.swarmId === 'string') reads.changed(event.swarmId);
  if (event.type === 'signal') stats.record(Date.now(), event.latencyMs);
  feed.queue(event);
  // The signal charts are redrawn by the one-second tick: at a thousand signals a second, once a frame would be wasted.
  markDirty({ feed: true, table: effect.table, graph: effect.graph, leaders: effect.leaders });
  if (effect.refetchAll) void reads.all();
  else if (effect.refetchSwarm !== null) reads.swarm(effect.refetchSwarm);
  if (effect.refetchLeaders) reads.leaders();
}

const stream = new EventStream({
  onEvent,
  onState: setConnection,
  onOpen: () => void reads.all(), // what happened while disconnected is in the snapshot
  isUnauthorized: async () => {
    try {
      await getJson('/api/leaders', token);
      return false;
    } catch (error) {
      return error instanceof Unauthorized;
    }
  },
});

function connect() {
  if (!token) {
    stream.close();
    setConnection('no-token');
    return;
  }
  stream.open(token);
  void reads.all(); // the stream's open reads again; this one shows data even while it cannot connect
}

ui.token.value = token;
ui.form.addEventListener('submit', (e) => {
  e.preventDefault();
  token = ui.token.value.trim();
  saveToken(token);
  connect();
});

/** @type {ReturnType<typeof setTimeout> | undefined} */
let filterTimer;
ui.filter.addEventListener('input', () => {
  clearTimeout(filterTimer);
  filterTimer = setTimeout(() => markDirty({ table: true }), 120);
});
ui.sort.addEventListener('change', () => markDirty({ table: true }));
ui.hideTraffic.addEventListener('change', () => {
  feed.hideTraffic = ui.hideTraffic.checked;
  feed.reset(state.events);
});
ui.swarms.addEventListener('click', (e) => {
  const button = e.target instanceof Element ? e.target.closest('button[data-swarm]') : null;
  if (!(button instanceof HTMLButtonElement)) return;
  ui.filter.value = button.dataset.swarm === ui.filter.value ? '' : (button.dataset.swarm ?? '');
  markDirty({ table: true });
});

// Between reads, ages tick here; a periodic read catches what no event announces (new
// coordinators, heartbeats). A hidden tab skips the reads.
setInterval(() => {
  const now = performance.now();
  table.tick(now);
  recordTiming('tick', performance.now() - now);
  markDirty({ leaders: true, signals: true });
}, 1000);
const live = () => !document.hidden && ui.connection.dataset.state === 'live';
reads.every(live);
document.addEventListener('visibilitychange', () => {
  if (live()) void reads.all(); // back from a hidden tab: catch up now
});

connect();
