/**
 * Takes docs/images/dashboard.png: `rendezvous serve` on a private Redis, three swarms of real
 * coordinators (a barrier waiting on a slow validator, a three-way deadlock, steady signal
 * traffic), one coordinator process SIGKILLed so its warning and escalation show, then a
 * screenshot of the page in Debian's chromium.
 *
 *   node --import tsx scripts/screenshot-dashboard.ts [out.png]
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { BlockingCoordinator } from '../src/core/coordinator.js';
import { createStore } from '../src/store/create-store.js';
import { enterToken, launchBrowser } from '../test/support/browser.js';
import { startCoordinatorProcess } from '../test/support/child-process.js';
import { startDaemon } from '../test/support/daemon-process.js';
import { startRedis } from '../test/support/redis-server.js';

const OUT = process.argv[2] ?? new URL('../docs/images/dashboard.png', import.meta.url).pathname;
const TOKEN = 'screenshot-token-0123456789abcdef';
const SECRET = 'screenshot-secret-0123456789abcdef0123';
const WAIT = { timeout: 60_000 };

const redis = await startRedis();
const daemon = await startDaemon(
  ['--redis-url', redis.url, '--check-interval-ms', '250', '--dead-threshold-ms', '2500', '--max-warnings', '2', '--lease-timeout-ms', '2000'],
  { RENDEZVOUS_API_TOKEN: TOKEN, BLOCKING_COORDINATION_SECRET: SECRET },
);
const store = await createStore({ url: redis.url });
const running: BlockingCoordinator[] = [];
let stopping = false;

async function coordinator(swarmId: string, id: string): Promise<BlockingCoordinator> {
  const c = new BlockingCoordinator({ id, swarmId, store, secret: SECRET, heartbeatIntervalMs: 250, heartbeatTtlMs: 5_000, env: {} });
  await c.start();
  running.push(c);
  return c;
}
/** Acknowledges whatever it receives, after `delayMs`. */
function respond(c: BlockingCoordinator, delayMs: number): void {
  void (async () => {
    while (!stopping) {
      const signal = await c.blockUntilSignal({ timeoutMs: 60_000 }).catch(() => null);
      if (signal) await sleep(delayMs).then(() => c.acknowledge(signal)).catch(() => undefined);
    }
  })();
}
/** Sends `type` to each of `to` and waits for all their ACKs, every `periodMs`. */
function request(c: BlockingCoordinator, to: string[], type: string, periodMs: number): void {
  void (async () => {
    while (!stopping) {
      const sent = await Promise.all(to.map((peer) => c.sendSignal(peer, type).catch(() => null)));
      await Promise.all(sent.map((s, i) => (s ? c.waitForAcks([to[i]!], s.messageId, { timeoutMs: 600_000 }).catch(() => undefined) : undefined)));
      await sleep(periodMs);
    }
  })();
}

const browser = await launchBrowser();
const victim = startCoordinatorProcess({ STORE_SPEC: JSON.stringify({ url: redis.url }), COORD_ID: 'worker-7', SWARM_ID: 'ingest', SECRET, MODE: 'idle' });
try {
  // ingest: three producers, three consumers that acknowledge, steady traffic
  for (let i = 1; i <= 3; i += 1) respond(await coordinator('ingest', `consumer-${i}`), 5 + i * 4);
  for (let i = 1; i <= 3; i += 1) request(await coordinator('ingest', `producer-${i}`), [`consumer-${i}`], 'checkpoint', 150 + i * 60);
  // review: the product owner's barrier; validator-3 never answers
  const owner = await coordinator('review', 'product-owner');
  for (let i = 1; i <= 2; i += 1) respond(await coordinator('review', `validator-${i}`), 40);
  await coordinator('review', 'validator-3');
  request(owner, ['validator-1', 'validator-2', 'validator-3'], 'validate', 500);
  await victim.nextLine();

  const page = await browser.newPage({ viewport: { width: 1440, height: 1200 }, colorScheme: 'light' });
  await page.goto(daemon.url);
  await enterToken(page, TOKEN);
  await page.waitForSelector('[data-testid="connection-status"][data-state="live"]', WAIT);

  // billing: a waits for b, b for c, c for a (a deadlock); d waits for a
  const billing = await Promise.all(['planner', 'executor', 'auditor', 'reporter'].map((id) => coordinator('billing', id)));
  const waitOn = (c: BlockingCoordinator, peer: string) => void c.sendSignal(peer, 'decide').then((s) => c.waitForAcks([peer], s.messageId, { timeoutMs: 600_000 })).catch(() => undefined);
  waitOn(billing[0]!, 'executor');
  waitOn(billing[1]!, 'auditor');
  waitOn(billing[2]!, 'planner');
  waitOn(billing[3]!, 'planner');

  await page.waitForSelector('.wait-graph .edge.deadlock', WAIT);
  await sleep(15_000); // some signal history for the charts
  victim.child.kill('SIGKILL');
  await page.locator('[data-testid="event-item"][data-event-type="escalation"]').first().waitFor(WAIT);
  await page.waitForSelector('[data-testid="coordinator-row"][data-coordinator-id="worker-7"][data-state="replaced"]', WAIT);
  await page.locator('#hide-traffic').check(); // the feed shows the supervisor's events, not only checkpoints
  await page.screenshot({ path: OUT, fullPage: true });
  console.log(`wrote ${OUT}`);
} finally {
  stopping = true;
  victim.child.kill('SIGKILL');
  await browser.close();
  await Promise.all(running.map((c) => c.stop().catch(() => undefined)));
  await store.close();
  await daemon.stop();
  await redis.stop();
}
