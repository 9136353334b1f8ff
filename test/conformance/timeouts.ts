import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { after, afterEach, before, describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SignalTimeoutError } from '../../src/protocol/errors.js';
import { Coordinators, uniqueSwarm } from '../support/coordinators.js';
import type { Harness } from './harness.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Behaviour 9: timeouts are punctual, and waiting leaks neither listeners nor memory. */
export function timeoutBehaviour(h: Harness): void {
  describe(`timeouts [${h.name}]`, () => {
    let c: Coordinators;
    before(() => h.setup());
    after(() => h.teardown());
    afterEach(() => c?.shutdownAll());
    const fresh = () => (c = new Coordinators(() => h.store(), uniqueSwarm()));

    test('blockUntilSignal times out within the timeout plus 50 ms, never before', async () => {
      fresh();
      const b = await c.start('coord-t');
      for (const timeoutMs of [20, 60, 150, 300]) {
        const started = performance.now();
        const error = await b.blockUntilSignal({ timeoutMs }).catch((e: unknown) => e);
        const elapsed = performance.now() - started;
        assert.ok(error instanceof SignalTimeoutError, 'a typed timeout');
        assert.equal(error.code, 'RDV_ERR_TIMEOUT');
        assert.ok(elapsed >= timeoutMs - 1 && elapsed <= timeoutMs + 50, `timeout ${timeoutMs} ms fired after ${elapsed.toFixed(1)} ms`);
      }
      assert.equal(b.getMetrics().waitTimeouts, 4);
    });

    test('waitForAcks returns within the timeout plus 50 ms when nobody answers', async () => {
      fresh();
      const a = await c.start('coord-a');
      const { messageId } = await a.sendSignal('nobody', 'wake');
      const started = performance.now();
      const acks = await a.waitForAcks(['nobody'], messageId, { timeoutMs: 100 });
      const elapsed = performance.now() - started;
      assert.equal(acks.size, 0);
      assert.ok(elapsed >= 99 && elapsed <= 150, `returned after ${elapsed.toFixed(1)} ms`);
    });

    test('1,000 wait-and-timeout cycles grow neither listeners nor memory', async () => {
      fresh();
      const b = await c.start('coord-leak');
      const abort = new AbortController();
      const cycle = async (n: number) => {
        for (let i = 0; i < n; i++) await assert.rejects(b.blockUntilSignal({ timeoutMs: 1, signal: abort.signal }), SignalTimeoutError);
      };
      await cycle(200); // warm up: pools, JIT, caches
      const listeners = () => b.eventNames().map((name) => b.listenerCount(name)).reduce((x, y) => x + y, 0) + getEventListeners(abort.signal, 'abort').length;
      const listenersBefore = listeners();
      const heapBefore = heapAfterGc();
      await cycle(1_000);
      const heapAfter = heapAfterGc();
      assert.equal(listeners(), listenersBefore, 'no listener left behind');
      assert.equal(getEventListeners(abort.signal, 'abort').length, 0);
      const growth = heapAfter - heapBefore;
      assert.ok(growth < 1_000_000, `heap grew by ${growth} bytes over 1,000 cycles`);
    });
  });
}
