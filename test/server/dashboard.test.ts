/**
 * The dashboard end to end, in Debian's chromium: `rendezvous serve` on a private Redis, three
 * coordinators in processes of their own (test/fixtures/coordinator-process.ts), the page opened and
 * the token typed in. The test sees
 * them listed, SIGKILLs one, and sees its warning and escalation arrive in the feed and its row
 * change state, in the same document (no reload). A registry member holding markup is never
 * rendered as markup.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import type { Browser, Page } from 'playwright-core';
import { keys } from '../../src/protocol/keys.js';
import { enterToken, launchBrowser, waitForRowCount, waitForRowState, watchPageProblems } from '../support/browser.js';
import { startCoordinatorProcess, type CoordinatorProcess } from '../support/child-process.js';
import { startDaemon, type DaemonProcess } from '../support/daemon-process.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';

const TOKEN = 'dashboard-test-token-0123456789';
const SECRET = 'dashboard-test-secret-0123456789abcdef';
const SWARM = 'swarm-dash';
const IDS = ['coord-a', 'coord-b', 'victim'];
const WAIT = { timeout: 45_000 };
const MARKUP = `<img src=x onerror="window.__pwned=1">`;

let redis: RedisServer;
let daemon: DaemonProcess | undefined;
let browser: Browser | undefined;
const coordinators = new Map<string, CoordinatorProcess>();

before(async () => {
  redis = await startRedis();
  // Compressed timings: dead after 3 s of silence (a loaded machine can stall a process for a second), escalated at the second warning.
  daemon = await startDaemon(
    ['--redis-url', redis.url, '--check-interval-ms', '250', '--dead-threshold-ms', '3000', '--max-warnings', '2', '--lease-timeout-ms', '1000', '--cleanup-interval-ms', '600000'],
    { RENDEZVOUS_API_TOKEN: TOKEN, BLOCKING_COORDINATION_SECRET: SECRET },
  );
  const store = JSON.stringify({ url: redis.url });
  for (const id of IDS) {
    coordinators.set(id, startCoordinatorProcess({ STORE_SPEC: store, COORD_ID: id, SWARM_ID: SWARM, SECRET, MODE: id === 'coord-b' ? 'ack-all' : 'idle' }));
  }
  for (const child of coordinators.values()) assert.deepEqual(await child.nextLine(), { ready: true });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  for (const child of coordinators.values()) if (child.child.exitCode === null && child.child.signalCode === null) child.child.kill('SIGKILL');
  await Promise.all([...coordinators.values()].map((c) => c.exited));
  const exit = await daemon?.stop();
  await redis?.stop();
  assert.deepEqual(exit, { code: 0, signal: null }, 'the daemon stops cleanly on SIGTERM');
});

/** The feed's items of one type that mention `text`. */
function feedItem(page: Page, type: string, text: string) {
  return page.locator(`[data-testid="event-item"][data-event-type="${type}"]`, { hasText: text });
}

test('a SIGKILLed coordinator shows its warning and escalation live, without a reload', async () => {
  // A member no coordinator wrote, holding markup: the daemon drops invalid ids, the page must never run it.
  const admin = new Redis(redis.port, redis.host);
  await admin.zadd(keys.registry(SWARM), Date.now(), MARKUP);
  admin.disconnect();

  const page = await browser!.newPage();
  const problems = watchPageProblems(page);
  await page.goto(daemon!.url);
  await page.waitForSelector('[data-testid="connection-status"][data-state="no-token"]', WAIT);
  await enterToken(page, TOKEN);
  await page.waitForSelector('[data-testid="connection-status"][data-state="live"]', WAIT);

  await waitForRowCount(page, IDS.length);
  for (const id of IDS) await waitForRowState(page, id, ['alive']);
  // The supervisors' namespace with its leader (the row is marked no-leader while there is none).
  await page.waitForSelector('[data-testid="leader-row"][data-namespace="supervisor"]:not(.no-leader)', WAIT);
  assert.match((await page.locator('[data-testid="leader-row"][data-namespace="supervisor"] td.leader-id').textContent()) ?? '', /^\S+$/);
  // A signal through the daemon's API to coord-b, which acknowledges it: both reach the feed.
  const sent = await fetch(`${daemon!.url}/api/signals/send`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ swarmId: SWARM, to: 'coord-b', type: 'ping' }),
  });
  assert.equal(sent.status, 200);
  await feedItem(page, 'signal', 'coord-b').first().waitFor(WAIT);
  await feedItem(page, 'ack', 'coord-b').first().waitFor(WAIT);
  await page.evaluate(() => ((globalThis as unknown as { __sameDocument: boolean }).__sameDocument = true));

  coordinators.get('victim')!.child.kill('SIGKILL');
  await feedItem(page, 'warning', 'victim').first().waitFor(WAIT);
  await feedItem(page, 'escalation', 'victim').first().waitFor(WAIT);
  await waitForRowState(page, 'victim', ['replaced']);
  for (const id of ['coord-a', 'coord-b']) await waitForRowState(page, id, ['alive']);

  const after = await page.evaluate(() => {
    const g = globalThis as unknown as { __sameDocument?: boolean; __pwned?: number; document: { querySelectorAll(s: string): { length: number } } };
    return { sameDocument: g.__sameDocument === true, pwned: g.__pwned ?? null, images: g.document.querySelectorAll('img').length };
  });
  assert.deepEqual(after, { sameDocument: true, pwned: null, images: 0 }, 'no reload, and the markup in the registry never ran');
  assert.deepEqual(problems, []);
  await page.close();
});
