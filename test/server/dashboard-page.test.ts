/**
 * The dashboard page in a real browser, against a scripted API (test/support/scripted-ops-api.ts):
 * what no daemon would send (markup in every string, malformed events) stays text, the route
 * serves only its files under a strict CSP, and 1,000 coordinators render and update quickly.
 * The daemon end to end is test/server/dashboard.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DASHBOARD_CSP } from '../../src/server/dashboard-route.js';
import { enterToken, launchBrowser, pageTimings, waitForRowCount, waitForRowState, watchPageProblems } from '../support/browser.js';
import { startScriptedOpsApi, type ScriptedOpsApi } from '../support/scripted-ops-api.js';

const TOKEN = 'page-test-token';
const WAIT = { timeout: 30_000 };

let api: ScriptedOpsApi;
let browser: Browser;

before(async () => {
  api = await startScriptedOpsApi(TOKEN);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await api?.close();
});

function view(id: string, swarmId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, swarmId, state: 'alive', status: 'active', phase: null, iteration: null, lastSeen: 0, heartbeatAgeMs: 40, waitingFor: [], pendingSignals: 0, warnings: 0, replacedBy: null, replaces: null, ...extra };
}

async function openDashboard(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  const problems = watchPageProblems(page);
  await page.goto(api.url);
  await enterToken(page, TOKEN);
  await page.waitForSelector('[data-testid="connection-status"][data-state="live"]', WAIT);
  return { page, problems };
}

test('the route serves the page and its modules under a strict CSP, and nothing else', async () => {
  const page = await fetch(`${api.url}/`);
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(page.headers.get('content-security-policy'), DASHBOARD_CSP);
  assert.match(DASHBOARD_CSP, /default-src 'self'/);
  assert.doesNotMatch(DASHBOARD_CSP, /unsafe-inline|unsafe-eval/);
  assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(page.headers.get('cache-control'), 'no-cache');
  const html = await page.text();
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
  assert.doesNotMatch(html, /\sstyle=|\son[a-z]+=/i, 'no inline style or handler');

  const again = await fetch(`${api.url}/`, { headers: { 'if-none-match': page.headers.get('etag')! } });
  assert.equal(again.status, 304);

  const app = await fetch(`${api.url}/dashboard/app.js`);
  assert.equal(app.status, 200);
  assert.equal(app.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.equal((await fetch(`${api.url}/dashboard/style.css`)).headers.get('content-type'), 'text/css; charset=utf-8');
  for (const path of ['/dashboard/missing.js', '/dashboard/..%2F..%2Fpackage.json', '/dashboard/%2e%2e%2fdashboard-route.ts', '/dashboard/']) {
    assert.equal((await fetch(`${api.url}${path}`)).status, 404, path);
  }
});

test('a wrong token is reported as unauthorized, and the right one then connects', async () => {
  const page = await browser.newPage();
  try {
    await page.goto(api.url);
    await page.waitForSelector('[data-testid="connection-status"][data-state="no-token"]', WAIT);
    await enterToken(page, 'not-the-token');
    await page.waitForSelector('[data-testid="connection-status"][data-state="unauthorized"]', WAIT);
    await page.locator('#notice', { hasText: 'Missing or wrong API token.' }).waitFor(WAIT); // the daemon's own words
    await enterToken(page, TOKEN);
    await page.waitForSelector('[data-testid="connection-status"][data-state="live"]', WAIT);
    await page.locator('#notice').waitFor({ state: 'hidden', ...WAIT });
    assert.equal(await page.evaluate(() => (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage.getItem('rendezvous.token')), TOKEN);
  } finally {
    await page.close();
  }
});

test('every control has a label, and the page is driven from the keyboard', async () => {
  api.answers.coordinators = { generatedAt: 1, swarms: [{ swarmId: 'kb', coordinators: [view('kb-1', 'kb'), view('kb-2', 'kb')], deadlocks: [] }] };
  const page = await browser.newPage();
  try {
    await page.goto(api.url);
    type Control = { id: string; labels: ArrayLike<unknown> | null };
    const unlabelled = await page.evaluate(() =>
      Array.from((globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<Control> } }).document.querySelectorAll('input, select'))
        .filter((c) => (c.labels?.length ?? 0) === 0)
        .map((c) => c.id),
    );
    assert.deepEqual(unlabelled, []);
    await page.keyboard.press('Tab'); // the first stop is the token field
    await page.keyboard.type(TOKEN);
    await page.keyboard.press('Enter');
    await waitForRowCount(page, 2);
    await page.getByRole('button', { name: 'kb' }).focus();
    await page.keyboard.press('Enter'); // the swarm's name filters the table to it
    assert.equal(await page.locator('#filter').inputValue(), 'kb');
  } finally {
    await page.close();
  }
});

test('signal rate and delivery latency come from the signal events', async () => {
  api.answers.coordinators = { generatedAt: 1, swarms: [] };
  const { page, problems } = await openDashboard();
  try {
    // Latencies 1..20 ms: nearest-rank p50 is the 10th, p95 the 19th.
    for (let ms = 1; ms <= 20; ms += 1) {
      await api.push('signal', { type: 'signal', at: Date.now(), swarmId: 's', from: 'a', to: 'b', messageId: `m${ms}`, signalType: 'wake', latencyMs: ms });
    }
    await page.locator('#rate-total', { hasText: /^20$/ }).waitFor(WAIT);
    assert.equal(await page.locator('#latency-p50').textContent(), '10 ms');
    assert.equal(await page.locator('#latency-p95').textContent(), '19 ms');
    assert.equal(await page.locator('#rate-chart svg polyline').count(), 1, 'the rate is drawn');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('markup in API answers and in events is shown as text and never runs', async () => {
  const evil = `<img src=x onerror="window.__pwned='id'">`;
  const swarm = `s<b>1</b>`;
  const namespace = `"><svg onload="window.__pwned='ns'">`;
  api.answers.coordinators = {
    generatedAt: 1,
    swarms: [{ swarmId: swarm, coordinators: [view(evil, swarm, { phase: `<script>window.__pwned='phase'</script>`, waitingFor: ['plain'] }), view('plain', swarm, { waitingFor: [evil] })], deadlocks: [{ cycle: [evil, 'plain'] }] }],
  };
  api.answers.leaders = {
    namespaces: [{ namespace, leaderId: `<script>window.__pwned='leader'</script>`, epoch: 3, leaseRemainingMs: 900, workers: [{ workerId: `<u onmouseover=x>w</u>`, lastHeartbeat: 0, heartbeatAgeMs: 10, startTime: 0 }] }],
  };
  const { page, problems } = await openDashboard();
  try {
    await waitForRowCount(page, 2);
    const ids = await page.getByTestId('coordinator-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-coordinator-id')));
    assert.deepEqual(ids.sort(), [evil, 'plain'].sort(), 'the attribute holds the exact string');
    assert.ok((await page.locator('[data-testid="coordinator-row"] th.id').allTextContents()).includes(evil), 'shown as text');
    assert.equal(await page.getByTestId('leader-row').getAttribute('data-namespace'), namespace);
    assert.equal(await page.locator('.wait-graph .edge.deadlock').count(), 2, 'both edges of the cycle are red');

    // As a daemon would: the API's answer and the event agree (the page re-reads the swarm after it).
    (api.answers.coordinators as { swarms: { coordinators: Record<string, unknown>[] }[] }).swarms[0]!.coordinators[0]!.state = 'warned';
    await api.pushRaw('event: warning\ndata: {not json\n\n');
    await api.push('cleanup', { type: 'cleanup', at: Date.now(), '<i>key</i>': `<img src=y onerror="window.__pwned='cleanup'">` });
    await api.push('signal', { type: 'signal', at: Date.now(), swarmId: swarm, from: evil, to: 'plain', messageId: 'm1', signalType: `<iframe src="javascript:window.__pwned='type'">`, latencyMs: 3 });
    await api.push('warning', { type: 'warning', at: Date.now(), swarmId: swarm, coordinatorId: evil, count: 1, silentMs: 700 });
    await page.waitForSelector('[data-testid="event-item"][data-event-type="warning"]', WAIT);
    await waitForRowState(page, evil, ['warned']);

    const feed = await page.getByTestId('event-feed').textContent();
    assert.ok(feed?.includes(`${evil} silent for`), 'the warning names the coordinator as text');
    assert.ok(feed?.includes(`<iframe src="javascript:window.__pwned='type'">`));
    assert.equal(await page.getByTestId('event-item').count(), 3, 'the malformed event is dropped, the other three shown');
    type Attr = { name: string };
    type Doc = { querySelectorAll(s: string): ArrayLike<{ attributes: ArrayLike<Attr> }> };
    const found = await page.evaluate(() => {
      const { document, __pwned } = globalThis as unknown as { document: Doc; __pwned?: string };
      return {
        pwned: __pwned ?? null,
        injected: document.querySelectorAll('img, iframe, main script, main svg:not([role="img"]), u').length,
        handlers: Array.from(document.querySelectorAll('*')).filter((e) => Array.from(e.attributes).some((a) => a.name.startsWith('on'))).length,
      };
    });
    assert.deepEqual(found, { pwned: null, injected: 0, handlers: 0 });
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('1,000 coordinators render in one pass, an event redraws only its row and reaches the screen quickly', async (t) => {
  const swarms = Array.from({ length: 5 }, (_, s) => {
    const swarmId = `swarm-${s}`;
    const coordinators = Array.from({ length: 200 }, (_, i) =>
      view(`coord-${s}-${String(i).padStart(3, '0')}`, swarmId, {
        heartbeatAgeMs: (i * 37) % 5000,
        phase: 'validate',
        iteration: i % 7,
        // a few chains of waiters per swarm, and in swarm-0 a three-way deadlock
        waitingFor: s === 0 && i < 3 ? [`coord-0-00${(i + 1) % 3}`] : i % 10 === 1 ? [`coord-${s}-${String(i - 1).padStart(3, '0')}`] : [],
      }),
    );
    return { swarmId, coordinators, deadlocks: s === 0 ? [{ cycle: ['coord-0-000', 'coord-0-001', 'coord-0-002'] }] : [] };
  });
  api.answers.coordinators = { generatedAt: 1, swarms };
  api.answers.leaders = { namespaces: [{ namespace: 'rendezvous-supervisor', leaderId: 'daemon-a', epoch: 7, leaseRemainingMs: 12_000, workers: [] }] };
  const { page, problems } = await openDashboard();
  try {
    await waitForRowCount(page, 1000);
    const timing = (name: string): Promise<number[]> => pageTimings(page, name);
    const tableMs = Math.max(...(await timing('table-full')));

    // An expando on every row element: it survives only where the element does.
    await page.getByTestId('coordinator-row').evaluateAll((rows) => rows.forEach((r) => ((r as unknown as { kept: boolean }).kept = true)));

    // Five warnings, one after the other, each timed from its arrival to the end of the frame that shows it.
    for (const i of [150, 20, 99, 180, 7]) {
      swarms[3]!.coordinators[i]!.state = 'warned';
      const id = `coord-3-${String(i).padStart(3, '0')}`;
      await api.push('warning', { type: 'warning', at: Date.now(), swarmId: 'swarm-3', coordinatorId: id, count: 1, silentMs: 900 });
      await waitForRowState(page, id, ['warned']);
    }
    // Rows are kept and moved, not redrawn: still one row each, in the sort's order (warned first).
    const states = await page.getByTestId('coordinator-row').evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-state')} ${r.getAttribute('data-coordinator-id')}`));
    assert.equal(new Set(states).size, 1000);
    const redrawn = await page.getByTestId('coordinator-row').evaluateAll((rows) => rows.filter((r) => !(r as unknown as { kept?: boolean }).kept).map((r) => r.getAttribute('data-coordinator-id')));
    assert.deepEqual(redrawn.sort(), ['coord-3-007', 'coord-3-020', 'coord-3-099', 'coord-3-150', 'coord-3-180'], 'only the rows that changed were redrawn');
    assert.deepEqual(states.slice(0, 6).map((s) => s.split(' ')[0]), ['warned', 'warned', 'warned', 'warned', 'warned', 'alive']);
    await page.waitForFunction(() => ((globalThis as unknown as { rendezvousTimings: Record<string, number[]> }).rendezvousTimings.tick ?? []).length > 0, null, WAIT);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const [fulls, updates, events, ticks] = [await timing('table-full'), await timing('table-update'), await timing('event-to-screen'), await timing('tick')];
    t.diagnostic(
      `1,000 coordinators: full table render median ${median(fulls)} ms, max ${Math.max(...fulls)} ms (${fulls.length}); ` +
        `update (changed rows only) median ${median(updates)} ms, max ${Math.max(...updates)} ms (${updates.length}); ` +
        `event to screen median ${median(events)} ms, max ${Math.max(...events)} ms (${events.length} events); age tick median ${median(ticks)} ms`,
    );
    assert.ok(tableMs < 1000, `rendering 1,000 rows took ${tableMs} ms`);
    assert.ok(median(events) < 1000, `an event took ${median(events)} ms to reach the screen`);

    // Only the coordinators that wait or are waited for are drawn: 20 pairs per swarm, in swarm-0
    // 19 pairs and the cycle of three.
    assert.equal(await page.locator('.wait-graph').count(), 5);
    assert.equal(await page.locator('.wait-graph .node').count(), 4 * 40 + 19 * 2 + 3);
    assert.equal(await page.locator('.wait-graph .edge.deadlock').count(), 3);

    await page.locator('#filter').fill('swarm-3 warned');
    await waitForRowCount(page, 5);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});
