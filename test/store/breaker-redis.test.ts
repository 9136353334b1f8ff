/**
 * Issue 11, part 5: the store's circuit breaker against a private Redis that is stopped and
 * started again on its port. Timings compressed (a command fails after two 50 ms reconnection
 * attempts; the breaker opens after 3 failures in a row and probes after 100, 200, 400 ms): every
 * step waits for an event of the breaker or of a coordinator, and the test takes a few seconds.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { StoreCircuitOpenError, StoreUnavailableError } from '../../src/protocol/errors.js';
import { keys } from '../../src/protocol/keys.js';
import { createStore } from '../../src/store/create-store.js';
import type { Store } from '../../src/store/port.js';
import type { BreakerState, BreakerStateChange, StoreBreaker } from '../../src/store/store-breaker.js';
import { Coordinators, uniqueSwarm } from '../support/coordinators.js';
import { recordingLogger } from '../support/recording-logger.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';

let server: RedisServer;
let store: Store;
const storeLogger = recordingLogger();
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

before(async () => {
  process.on('unhandledRejection', onUnhandled);
  server = await startRedis();
  store = await createStore({
    url: server.url,
    logger: storeLogger,
    redisOptions: { commandTimeout: 500, maxRetriesPerRequest: 2, retryStrategy: () => 50 },
    breaker: { threshold: 3, halfOpenAfterMs: 100, maxHalfOpenAfterMs: 400 },
  });
});
after(async () => {
  process.off('unhandledRejection', onUnhandled);
  await store.close();
  await server.stop();
});

/** The breaker's next change to `state`, or a failure after `withinMs`. */
function next(breaker: StoreBreaker, state: BreakerState, withinMs = 10_000): Promise<BreakerStateChange> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (stop(), reject(new Error(`the breaker did not turn ${state} within ${withinMs} ms`))), withinMs);
    const stop = breaker.onStateChange((change) => {
      if (change.state !== state) return;
      stop();
      clearTimeout(timer);
      resolve(change);
    });
  });
}

/** Whether a promise is still pending (after everything already due has run). */
async function isPending(promise: Promise<unknown>): Promise<boolean> {
  const marker = Symbol('pending');
  return (await Promise.race([promise.then(() => 'settled', () => 'settled'), new Promise((resolve) => setImmediate(resolve, marker))])) === marker;
}

test('Redis stopped: the breaker opens, sends fail at once; Redis back: it goes half-open, closes by itself, and the waits and heartbeats go on', { timeout: 60_000 }, async () => {
  const breaker = store.breaker;
  const states: BreakerStateChange[] = [];
  breaker.onStateChange((change) => states.push(change));
  const c = new Coordinators(() => store, uniqueSwarm('breaker'));
  const [sender, receiver] = await Promise.all([c.start('sender'), c.start('receiver')]);
  const heartbeatFailures: unknown[] = [];
  sender.on('heartbeat:failed', (error) => heartbeatFailures.push(error));

  // Before the outage: a signal taken (to be acknowledged after it), the wait for its ACK, and a wait for the next signal.
  const first = await sender.sendSignal('receiver', 'validate');
  const taken = await receiver.blockUntilSignal({ timeoutMs: 5_000 });
  const waitsStarted = Promise.all([once(sender, 'wait:started'), once(receiver, 'wait:started')]);
  const acks = sender.waitForAcks(['receiver'], first.messageId, { timeoutMs: 30_000 });
  const waiting = receiver.blockUntilSignal({ types: 'decide', timeoutMs: 30_000 });
  await waitsStarted;

  // Redis stops. Operations find it unreachable (tried, StoreUnavailableError) until the breaker opens.
  const port = server.port;
  const opened = next(breaker, 'open');
  await server.stop();
  for (let sends = 0; breaker.state === 'closed'; sends += 1) {
    assert.ok(sends < 20, 'the breaker opened within 20 failed sends (heartbeats fail too)');
    const error = await sender.sendSignal('receiver', 'decide').then(() => assert.fail('a send succeeded with Redis stopped'), (e: unknown) => e);
    assert.ok(error instanceof StoreUnavailableError || error instanceof StoreCircuitOpenError, String(error));
  }
  const { cause } = await opened;
  assert.ok(cause instanceof StoreUnavailableError, 'opened by operations that found Redis unreachable');

  // Open: a send fails at once, saying so; the waits are still waiting.
  const begun = performance.now();
  const refused = await sender.sendSignal('receiver', 'decide').then(() => assert.fail('a send succeeded while open'), (e: unknown) => e);
  const tookMs = performance.now() - begun;
  assert.ok(refused instanceof StoreCircuitOpenError, String(refused));
  assert.equal(refused.code, 'RDV_ERR_CIRCUIT_OPEN');
  assert.equal(refused.context.operation, 'appendSignal');
  assert.ok(tookMs < 50, `the send failed after ${tookMs.toFixed(1)} ms: at once, without waiting on Redis`);
  assert.ok(await isPending(waiting), 'blockUntilSignal is still waiting');
  assert.ok(await isPending(acks), 'waitForAcks is still waiting');
  await once(sender, 'heartbeat:failed'); // the heartbeat loop goes on, failing at once
  assert.ok(heartbeatFailures.some((error) => error instanceof StoreCircuitOpenError), 'heartbeats met the open breaker');

  // A probe while Redis is still down fails: open again, the next probe twice as late.
  const reopened = states.find((s) => s.state === 'open' && s.previous === 'half-open') ?? (await next(breaker, 'open'));
  assert.equal(reopened.previous, 'half-open');
  assert.equal(reopened.nextProbeAt! - reopened.at, 200);
  assert.ok(reopened.cause instanceof StoreUnavailableError, 'the probe found Redis unreachable');

  // Redis starts again (empty: no persistence). The breaker probes, closes by itself, and nothing was restarted.
  const closed = next(breaker, 'closed');
  server = await startRedis({ port });
  const { previous } = await closed;
  assert.equal(previous, 'half-open');
  assert.match(states.map((s) => s.state).join(' '), /^open( half-open open)+ half-open closed$/, 'open, probes until one is answered, closed');
  assert.ok(await isPending(waiting), 'still waiting: nothing was sent to it yet');

  // The wait started before the outage receives a signal sent after it ...
  const sent = await sender.sendSignal('receiver', 'decide', { payload: 'after the outage' });
  const signal = await waiting;
  assert.equal(signal.messageId, sent.messageId);
  assert.equal(signal.payload, 'after the outage');
  // ... and so does the wait for ACKs, for a signal taken before it.
  const ack = await receiver.acknowledge(taken, { result: 'approved' });
  assert.deepEqual((await acks).get('receiver'), ack);

  // Heartbeats resume by themselves: the next one lands in the restarted Redis.
  const beats = sender.getMetrics().heartbeats;
  await once(sender, 'heartbeat');
  assert.ok(sender.getMetrics().heartbeats > beats);
  const admin = new Redis(server.port, server.host);
  try {
    assert.equal(await admin.exists(keys.heartbeat('sender')), 1, 'the heartbeat is back in Redis');
  } finally {
    admin.disconnect();
  }

  // One warning for the outage, from the store; the coordinators' retries that met the open breaker are debug lines.
  const breakerLines = storeLogger.records.filter((r) => /circuit breaker/.test(r.msg ?? ''));
  assert.equal(breakerLines.filter((r) => r.level === 'warn').length, 1, 'one warning when it opened');
  assert.equal(breakerLines.length, states.length, 'one line per state change');
  const coordinatorLines = [...sender.logs.records, ...receiver.logs.records];
  assert.deepEqual(coordinatorLines.filter((r) => r.level === 'warn' && r.fields.err instanceof StoreCircuitOpenError).map((r) => r.msg), [], 'no warning per retry while open');
  assert.ok(coordinatorLines.some((r) => r.level === 'debug' && r.msg === 'heartbeat failed' && r.fields.err instanceof StoreCircuitOpenError));

  await c.shutdownAll();
  assert.deepEqual(unhandled, []);
});
