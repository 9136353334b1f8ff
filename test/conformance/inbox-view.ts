import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { keys } from '../../src/protocol/keys.js';
import type { FleetPush, Subscription } from '../../src/store/port.js';
import { Coordinators, uniqueSwarm } from '../support/coordinators.js';
import type { Harness } from './harness.js';

/** Issue 13: the operator's view of inboxes (the daemon's read model, its retries and its event feed). */
export function inboxViewBehaviour(h: Harness): void {
  describe(`inbox view [${h.name}]`, () => {
    let c: Coordinators;
    let swarm: string;
    const closing: Subscription[] = [];
    before(() => h.setup());
    after(() => h.teardown());
    afterEach(async () => {
      await Promise.all(closing.splice(0).map((s) => s.close()));
      await c?.shutdownAll();
    });
    const fresh = () => (c = new Coordinators(() => h.store(), (swarm = uniqueSwarm('view'))));

    test('inboxLengths counts each inbox in one call, 0 for none; peekInbox reads without delivering', async () => {
      fresh();
      const store = h.store();
      const a = await c.start('coord-a');
      await a.sendSignal('offline-1', 'wake');
      await a.sendSignal('offline-1', 'validate');
      await a.sendSignal('offline-10', 'wake');
      const refs = ['offline-1', 'offline-10', 'never'].map((coordinatorId) => ({ swarmId: swarm, coordinatorId }));
      assert.deepEqual(await store.inboxLengths(refs), [2, 1, 0]);
      assert.deepEqual(await store.inboxLengths([]), []);

      const peeked = await store.peekInbox(refs[0]!, '0-0', 10);
      assert.equal(peeked.length, 2);
      assert.match(peeked[0]!.body ?? '', /"type":"wake"/);
      assert.ok(peeked[0]!.time > 0);
      assert.notEqual(peeked[0]!.entryId, peeked[1]!.entryId);
      assert.deepEqual((await store.peekInbox(refs[0]!, peeked[0]!.entryId, 10)).map((e) => e.entryId), [peeked[1]!.entryId], 'after an entry id: the ones after it');
      assert.equal((await store.peekInbox(refs[0]!, '0-0', 1)).length, 1, 'count bounds the read');
      assert.deepEqual(await store.peekInbox(refs[2]!, '0-0', 10), []);
      // Peeking delivered nothing: the receiver's first read still gets both as new.
      assert.equal((await store.readNew(refs[0]!, 10)).length, 2);
      assert.equal(await h.streamLength(keys.inbox(swarm, 'offline-1')), 2);
    });

    test('a key of another type in an inbox place reads as empty, never an error', async () => {
      fresh();
      const store = h.store();
      await h.setRaw(keys.inbox(swarm, 'wrong'), 'not a stream');
      const ref = { swarmId: swarm, coordinatorId: 'wrong' };
      assert.deepEqual(await store.inboxLengths([ref]), [0]);
      assert.deepEqual(await store.peekInbox(ref, '0-0', 5), []);
    });

    test('watchPushes hears every coordinator\'s signals and ACK notices, with the channel owner', async () => {
      fresh();
      const store = h.store();
      const heard: FleetPush[] = [];
      let notify: () => void = () => undefined;
      closing.push(
        await store.watchPushes((push) => {
          if (push.owner.swarmId !== swarm) return; // other tests' swarms
          heard.push(push);
          notify();
        }),
      );
      const until = (n: number) => new Promise<void>((resolve) => ((notify = () => heard.length >= n && resolve()), notify()));
      const [a, b] = [await c.start('coord-a'), await c.start('coord-b')];
      const { messageId } = await a.sendSignal('coord-b', 'wake');
      await b.acknowledge(await b.blockUntilSignal({ timeoutMs: 5_000 }));
      await until(2);
      const signal = heard.find((p) => p.kind === 'signal')!;
      const ack = heard.find((p) => p.kind === 'ackNotice')!;
      assert.deepEqual(signal.owner, { swarmId: swarm, coordinatorId: 'coord-b' });
      assert.match(signal.entry.body ?? '', new RegExp(`"messageId":"${messageId}"`));
      assert.deepEqual(ack.owner, { swarmId: swarm, coordinatorId: 'coord-a' }, 'an ACK notice is pushed to the sender');
      assert.match(ack.entry.body ?? '', /"coordinatorId":"coord-b"/);
    });

    test('nudge tells a listening coordinator to read again; with nobody listening it tells none', async () => {
      fresh();
      const store = h.store();
      const ref = { swarmId: swarm, coordinatorId: 'listener' };
      let resyncs = 0;
      let resynced: () => void = () => undefined;
      const heard = new Promise<void>((resolve) => (resynced = resolve));
      closing.push(await store.subscribe(ref, { resync: () => ((resyncs += 1), resynced()) }));
      const told = await store.nudge(ref);
      await heard;
      assert.equal(resyncs, 1);
      // A Cluster's PUBLISH counts the receivers of one node only.
      if (h.name !== 'cluster') assert.equal(told, 1);
      closing.push(await store.watchPushes(() => undefined));
      assert.equal(await store.nudge({ swarmId: swarm, coordinatorId: 'nobody' }), 0, 'a pattern watcher is no listener of the coordinator');
    });
  });
}
