/**
 * circuit_breaker_state follows the store's breaker through a private Redis stopped and started
 * again on its port; store operation errors are counted by operation and code. Timings compressed
 * through the store's options (a command fails after two 50 ms reconnection attempts; the breaker
 * opens after 2 failures and probes after 50 ms); every step waits for a breaker event.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Registry } from 'prom-client';
import { createMetrics } from '../../src/observability/create-metrics.js';
import { createStore } from '../../src/store/create-store.js';
import type { Store } from '../../src/store/port.js';
import type { BreakerState } from '../../src/store/store-breaker.js';
import { recordingLogger } from '../support/recording-logger.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { valueOf } from './scrape.js';

let server: RedisServer;
let store: Store;

before(async () => {
  server = await startRedis();
  store = await createStore({
    url: server.url,
    logger: recordingLogger(),
    redisOptions: { commandTimeout: 500, maxRetriesPerRequest: 2, retryStrategy: () => 50 },
    breaker: { threshold: 2, halfOpenAfterMs: 50, maxHalfOpenAfterMs: 200 },
  });
});
after(async () => {
  await store.close();
  await server.stop();
});

function next(state: BreakerState): Promise<void> {
  return new Promise((resolve) => {
    const stop = store.breaker.onStateChange((change) => {
      if (change.state !== state) return;
      stop();
      resolve();
    });
  });
}

async function breakerGauge(registry: Registry): Promise<Record<string, number | undefined>> {
  const [closed, open, halfOpen] = await Promise.all(['closed', 'open', 'half_open'].map((state) => valueOf(registry, 'circuit_breaker_state', { state })));
  return { closed, open, half_open: halfOpen };
}

test('the breaker gauge follows Redis stopped and restarted; failed operations are counted by code', { timeout: 60_000 }, async () => {
  const registry = new Registry();
  const unobserve = createMetrics({ registry }).observeStore(store);
  assert.deepEqual(await breakerGauge(registry), { closed: 1, open: 0, half_open: 0 });
  await store.time();
  assert.equal(await valueOf(registry, 'rendezvous_store_operation_duration_seconds_count', { operation: 'time' }), 1);

  const port = server.port;
  const opened = next('open');
  await server.stop();
  while (store.breaker.state === 'closed') await store.time().catch(() => undefined);
  await opened;
  assert.deepEqual(await breakerGauge(registry), { closed: 0, open: 1, half_open: 0 });
  assert.equal(await valueOf(registry, 'rendezvous_circuit_breaker_opened_total'), 1);
  assert.ok((await valueOf(registry, 'rendezvous_store_operation_errors_total', { operation: 'time', code: 'RDV_ERR_STORE_UNAVAILABLE' }))! >= 2);
  await store.time().catch(() => undefined);
  assert.ok((await valueOf(registry, 'rendezvous_store_operation_errors_total', { operation: 'time', code: 'RDV_ERR_CIRCUIT_OPEN' }))! >= 1, 'refused by the open breaker');

  const closed = next('closed');
  server = await startRedis({ port });
  await closed;
  assert.deepEqual(await breakerGauge(registry), { closed: 1, open: 0, half_open: 0 });
  assert.ok((await valueOf(registry, 'rendezvous_circuit_breaker_opened_total'))! >= 1);
  unobserve();
});
