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
import { SignalStats, WINDOW_S } from './signal-stats.js';
import { sparkline } from './sparkline.js';
import { DashboardState } from './state.js';
import { swarmRows } from './swarm-summary.js';
import { recordTiming } from './timings.js';
import { graphsHtml } from './wait-graph.js';

/** @typedef {import('./types.js').ConnectionState} ConnectionState */
/** @typedef {import('./types.js').CoordinatorsResponse} CoordinatorsResponse */
/** @typedef {import('./types.js').LeadersResponse} LeadersResponse */
/** @typedef {import('./types.js').OpsEvent} OpsEvent */

/** Between full reads: often enough that a live coordinator's age stays small, and at least ten
 * times the last read's cost, so a big fleet does not keep the daemon busy. */
const FULL_REFRESH_MS = { min: 3_000, max: 30_000, costFactor: 10 };
const SWARM_REFETCH_DEBOUNCE_MS = 300;

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

/** Reads the API once; a refused token stops the page until a new one is entered. @param {() => Promise<void>} read */
async function guarded(read) {
  if (!token) return;
  try {
    await read();
    setNotice('');
  } catch (error) {
    if (error instanceof Unauthorized) {
      stream.close();
      setConnection('unauthorized');
    } else setNotice(`Could not read the ops API: ${error instanceof Error ? error.message : String(error)}`);
  }
}

let refreshCostMs = 0;
/** Page clock of the last event that changed each swarm's model. */
const changedAt = new Map();
/** A read sent at `sentAt` must not undo what a later event showed (a re-read after it is scheduled). @param {number} sentAt */
const newerThan = (sentAt) => (/** @type {string} */ swarmId) => (changedAt.get(swarmId) ?? -Infinity) > sentAt;

function refreshAll() {
  return guarded(async () => {
    const started = performance.now();
    const [coordinators, leaders] = await Promise.all([
      /** @type {Promise<CoordinatorsResponse>} */ (getJson('/api/coordinators', token)),
      /** @type {Promise<LeadersResponse>} */ (getJson('/api/leaders', token)),
    ]);
    const now = performance.now();
    state.setCoordinators(coordinators, now, null, newerThan(started));
    state.setLeaders(leaders, now);
    markDirty({ table: true, graph: true, swarms: true, leaders: true });
    refreshCostMs = performance.now() - started;
  });
}

/** @type {Map<string, ReturnType<typeof setTimeout>>} */
const swarmTimers = new Map();
/** Re-reads one swarm soon; events about it within the delay share the read. @param {string} swarmId */
function refetchSwarm(swarmId) {
  if (swarmTimers.has(swarmId)) return;
  swarmTimers.set(
    swarmId,
    setTimeout(() => {
      swarmTimers.delete(swarmId);
      void guarded(async () => {
        const sentAt = performance.now();
        const response = /** @type {CoordinatorsResponse} */ (await getJson(`/api/coordinators?swarm=${encodeURIComponent(swarmId)}`, token));
        state.setCoordinators(response, performance.now(), swarmId, newerThan(sentAt));
        markDirty({ table: true, graph: true, swarms: true });
      });
    }, SWARM_REFETCH_DEBOUNCE_MS),
  );
}

/** @type {ReturnType<typeof setTimeout> | undefined} */
let leadersTimer;
function refetchLeaders() {
  if (leadersTimer !== undefined) return;
  leadersTimer = setTimeout(() => {
    leadersTimer = undefined;
    void guarded(async () => {
      state.setLeaders(/** @type {LeadersResponse} */ (await getJson('/api/leaders', token)), performance.now());
      markDirty({ leaders: true });
    });
  }, SWARM_REFETCH_DEBOUNCE_MS);
}

/** @param {OpsEvent} event */
function onEvent(event) {
  eventPendingSince ??= performance.now();
  const effect = state.apply(event);
  if ((effect.table || effect.graph) && typeof event.swarmId === 'string') changedAt.set(event.swarmId, performance.now());
  if (event.type === 'signal') stats.record(Date.now(), event.latencyMs);
  feed.queue(event);
  // The signal charts are redrawn by the one-second tick: at a thousand signals a second, once a frame would be wasted.
  markDirty({ feed: true, table: effect.table, graph: effect.graph, leaders: effect.leaders });
  if (effect.refetchAll) void refreshAll();
  else if (effect.refetchSwarm !== null) refetchSwarm(effect.refetchSwarm);
  if (effect.refetchLeaders) refetchLeaders();
}

const stream = new EventStream({
  onEvent,
  onState: setConnection,
  onOpen: () => void refreshAll(), // what happened while disconnected is in the snapshot
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
  void refreshAll(); // the stream's open reads again; this one shows data even while it cannot connect
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
function scheduleRefresh() {
  const delay = Math.min(FULL_REFRESH_MS.max, Math.max(FULL_REFRESH_MS.min, refreshCostMs * FULL_REFRESH_MS.costFactor));
  setTimeout(async () => {
    if (!document.hidden && ui.connection.dataset.state === 'live') await refreshAll();
    scheduleRefresh();
document.addEventListener('visibilitychange', () => {
  if (!document.hidden && ui.connection.dataset.state === 'live') void refreshAll(); // back from a hidden tab: catch up now
});
  }, delay);
}
scheduleRefresh();

connect();
