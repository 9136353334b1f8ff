import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { InboxFullError, RateLimitedError } from '../../src/protocol/errors.js';
import { keys } from '../../src/protocol/keys.js';
import { Coordinators, uniqueSwarm } from '../support/coordinators.js';
import type { Harness } from './harness.js';

/** Issue 12, point 5: a sender's rate toward one receiver and the length of an inbox are bounded, with typed errors, and nothing is written beyond them. */
export function quotaBehaviour(h: Harness): void {
  describe(`quotas [${h.name}]`, () => {
    let c: Coordinators;
    let swarm: string;
    before(() => h.setup());
    after(() => h.teardown());
    afterEach(() => c?.shutdownAll());
    const fresh = () => (c = new Coordinators(() => h.store(), (swarm = uniqueSwarm('quota'))));

    test('beyond maxSendsPerSecond to one receiver, a send fails with RateLimitedError and appends nothing; other receivers are not held back', async () => {
      fresh();
      const a = await c.start('coord-a', { maxSendsPerSecond: 3 });
      // Sent together: one second, whatever the machine's speed (a batch is one store call on Redis).
      const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => a.sendSignal('coord-b', 'wake', { payload: i })));
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
      assert.equal(results.length - refused.length, 3);
      assert.equal(refused.length, 2);
      for (const error of refused) {
        assert.ok(error instanceof RateLimitedError && error.code === 'RDV_ERR_RATE_LIMITED', String(error));
        assert.equal(error.context.limit, 3);
        assert.ok((error.context.retryAfterMs as number) <= 1_000);
      }
      assert.equal(await h.streamLength(keys.inbox(swarm, 'coord-b')), 3, 'the refused sends appended nothing');
      await a.sendSignal('coord-c', 'wake'); // another receiver: its own count
    });

    test('an inbox holding maxInboxLength signals refuses more with InboxFullError; once read and acknowledged it takes them again', async () => {
      fresh();
      const a = await c.start('coord-a', { maxInboxLength: 2 });
      await a.sendSignal('coord-b', 'wake');
      await a.sendSignal('coord-b', 'wake');
      const error = await a.sendSignal('coord-b', 'wake', { idempotencyKey: 'third' }).then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof InboxFullError && error.code === 'RDV_ERR_INBOX_FULL', String(error));
      assert.deepEqual({ ...error.context }, { receiverId: 'coord-b', length: 2, limit: 2 });
      // Refused before its idempotency key was taken: the retry is a first send, not a duplicate.
      const b = await c.start('coord-b');
      await b.acknowledge(await b.blockUntilSignal({ timeoutMs: 2_000 }));
      const retried = await a.sendSignal('coord-b', 'wake', { idempotencyKey: 'third' });
      assert.equal(retried.isDuplicate, false);
    });
  });
}
