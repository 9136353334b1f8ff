import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, afterEach, before, describe, test } from 'node:test';
import { SignalTimeoutError } from '../../src/protocol/errors.js';
import { parseHeartbeat } from '../../src/protocol/heartbeat.js';
import { Coordinators, OTHER_SECRET, SECRET, uniqueSwarm } from '../support/coordinators.js';
import type { Harness } from './harness.js';

const TEN_MINUTES = 10 * 60_000;

/** Behaviours 4 and 5: secret rotation, and coordinators whose clocks are 10 minutes off. */
export function rotationAndClockBehaviour(h: Harness): void {
  describe(`rotation and store clock [${h.name}]`, () => {
    let c: Coordinators;
    before(() => h.setup());
    after(() => h.teardown());
    afterEach(() => c?.shutdownAll());
    const fresh = () => (c = new Coordinators(() => h.store(), uniqueSwarm()));

    test('during a rotation old and new secrets both verify; after promotion the old one is rejected', async () => {
      fresh();
      const oldSigner = await c.start('old-signer', { secret: SECRET });
      const newSigner = await c.start('new-signer', { secret: OTHER_SECRET });
      const rotating = await c.start('receiver', { secret: SECRET, secretNew: OTHER_SECRET });
      await oldSigner.sendSignal('receiver', 'wake');
      await newSigner.sendSignal('receiver', 'wake');
      const senders = [];
      for (let i = 0; i < 2; i++) {
        const signal = await rotating.blockUntilSignal({ timeoutMs: 2_000 });
        senders.push(signal.senderId);
        await rotating.acknowledge(signal);
      }
      assert.deepEqual(senders.sort(), ['new-signer', 'old-signer']);
      assert.deepEqual(rotating.getMetrics().signalsRejected, {});

      // The receiver's ACKs are still signed with the old secret: the old signer verifies them.
      const { messageId } = await oldSigner.sendSignal('receiver', 'validate');
      await rotating.acknowledge(await rotating.blockUntilSignal({ timeoutMs: 2_000 }));
      assert.equal((await oldSigner.waitForAcks(['receiver'], messageId, { timeoutMs: 2_000 })).size, 1);

      // Promotion: the new secret signs and is the only one accepted.
      rotating.updateSecrets({ secret: OTHER_SECRET });
      const rejected = once(rotating, 'message:rejected');
      await oldSigner.sendSignal('receiver', 'wake', { payload: 'old' });
      await newSigner.sendSignal('receiver', 'wake', { payload: 'new' });
      const signal = await rotating.blockUntilSignal({ timeoutMs: 2_000 });
      assert.equal(signal.payload, 'new');
      assert.equal((await rejected)[0].reason, 'bad_signature');
      assert.deepEqual(rotating.getMetrics().signalsRejected, { bad_signature: 1 });
    });

    for (const skew of [TEN_MINUTES, -TEN_MINUTES]) {
      test(`coordinators whose clocks are ${skew > 0 ? '+' : '-'}10 minutes off interoperate: no rejection, no early timeout`, async () => {
        fresh();
        const skewed = () => Date.now() + skew;
        const opposite = () => Date.now() - skew;
        const a = await c.start('coord-a', { clock: skewed });
        const b = await c.start('coord-b', { clock: opposite });
        const { messageId } = await a.sendSignal('coord-b', 'completion', { iteration: 1 });
        const signal = await b.blockUntilSignal({ timeoutMs: 2_000 });
        assert.equal(signal.messageId, messageId);
        const storeNow = await h.store().time();
        assert.ok(Math.abs(signal.timestamp - storeNow) < 2_000, `signal timestamp ${signal.timestamp} is store time ${storeNow}`);
        await b.acknowledge(signal);
        assert.equal((await a.waitForAcks(['coord-b'], messageId, { timeoutMs: 2_000 })).size, 1);
        assert.deepEqual([a.getMetrics().acksRejected, b.getMetrics().signalsRejected], [{}, {}]);

        const started = performance.now();
        await assert.rejects(b.blockUntilSignal({ timeoutMs: 150 }), SignalTimeoutError);
        assert.ok(performance.now() - started >= 149, 'no early timeout');

        const [beat] = await once(a, 'heartbeat');
        const stored = parseHeartbeat((await h.store().getHeartbeat('coord-a'))!.body)!;
        assert.ok(Math.abs(stored.timestamp - (await h.store().time())) < 2_000, 'heartbeat carries store time');
        assert.ok(stored.sequence >= beat.sequence);
      });
    }
  });
}
