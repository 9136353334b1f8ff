import { StoreClock } from '../../src/core/store-clock.js';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AckFeed } from '../../src/core/ack-feed.js';
import { Keyring } from '../../src/protocol/keyring.js';
import { resolveCoordinatorOptions as resolveConfig } from '../../src/core/coordinator-options.js';
import { keys } from '../../src/protocol/keys.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import type { StreamEntry } from '../../src/store/port.js';
import { PUSH_RESYNC } from '../../src/store/push.js';
import { recordingLogger } from '../support/recording-logger.js';

const SWARM = 'feed-swarm';
const sender = { swarmId: SWARM, coordinatorId: 'coord-a' };
const inbox = { swarmId: SWARM, coordinatorId: 'coord-b' };
const notice = (messageId: string) => JSON.stringify({ v: 1, messageId, coordinatorId: 'coord-b', senderId: 'coord-a' });

/** Resolves after every push and queued task so far has run. */
const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('AckFeed', () => {
  let store: MemoryStore;
  let feed: AckFeed;
  const stop = new AbortController();
  before(async () => {
    store = new MemoryStore();
    feed = new AckFeed({ store, sender, config: resolveConfig({}, {}), logger: recordingLogger(), stop: stop.signal, clock: new StoreClock(), keys: { current: new Keyring(Buffer.alloc(32, 1)) } });
    await feed.open();
  });
  after(async () => {
    stop.abort();
    await feed.close();
    await store.close();
  });

  const ack = (messageId: string) =>
    store.acknowledge(inbox, { messageId, senderId: 'coord-a', body: notice(messageId), ttlMs: 60_000, noticeMaxLen: 1_000 });

  test('keeps the notices of a message it expects, for a wait that begins after they arrived', async () => {
    feed.expect('coord-a:wake:1');
    await ack('coord-a:wake:1');
    await settled();
    assert.deepEqual(feed.noticesSoFar('coord-a:wake:1')?.map((e) => JSON.parse(e.body!).messageId), ['coord-a:wake:1']);
    assert.equal(feed.noticesSoFar('coord-a:wake:unknown'), undefined, 'a message it never expected: read the ACK keys');
  });

  test('a notice that overtakes its own send reply is adopted by expect()', async () => {
    await ack('coord-a:wake:2');
    await settled();
    feed.expect('coord-a:wake:2');
    assert.equal(feed.noticesSoFar('coord-a:wake:2')?.length, 1);
  });

  test('a message whose early notices were forgotten (more than 64 came first) is not vouched for: its wait reads the ACK keys', async () => {
    for (let i = 100; i < 166; i += 1) await ack(`coord-a:wake:${i}`); // 66 notices of messages not expected yet: the oldest two are forgotten
    await settled();
    feed.expect('coord-a:wake:100');
    assert.equal(feed.noticesSoFar('coord-a:wake:100'), undefined, 'forgotten: read the keys');
    feed.expect('coord-a:wake:165');
    assert.equal(feed.noticesSoFar('coord-a:wake:165')?.length, 1, 'still kept: vouched for');
  });

  test('hands later notices to the watches of their message only', async () => {
    const seen: string[] = [];
    const unwatch = feed.watch('coord-a:wake:3', { notice: (e: StreamEntry) => seen.push(e.entryId), gap: () => undefined });
    await ack('coord-a:wake:3');
    await ack('coord-a:wake:4');
    await settled();
    unwatch();
    await ack('coord-a:wake:5');
    await settled();
    assert.equal(seen.length, 1);
  });

  test('a resync reads what was not pushed, tells the watches of a gap, and distrusts earlier sends', async () => {
    feed.expect('coord-a:wake:6');
    const seen: string[] = [];
    let gaps = 0;
    feed.watch('coord-a:wake:6', { notice: (e) => seen.push(JSON.parse(e.body!).messageId), gap: () => (gaps += 1) });
    store.appendRawEntry(keys.ackNotices(SWARM, 'coord-a'), notice('coord-a:wake:6')); // no push
    await settled();
    assert.deepEqual(seen, [], 'not pushed, not seen yet');
    store.publish(keys.push(SWARM, 'coord-a'), PUSH_RESYNC);
    await settled();
    await settled();
    assert.deepEqual(seen, ['coord-a:wake:6']);
    assert.equal(gaps, 1);
    assert.equal(feed.noticesSoFar('coord-a:wake:6'), undefined, 'sent before the gap: the wait reads the ACK keys');
    feed.expect('coord-a:wake:7');
    assert.deepEqual(feed.noticesSoFar('coord-a:wake:7'), [], 'sent after it: the feed vouches again');
  });
});

describe('AckFeed catch-up after many pushed notices', () => {
  test('a resync after more than a read batch of notices came by push reads past them, once, and ends', async () => {
    const store = new MemoryStore();
    let reads = 0;
    // Counts the catch-up's reads, and fails them beyond a bound: a catch-up that does not advance would otherwise spin for ever.
    const counted = new Proxy(store, {
      get(target, name, receiver) {
        if (name !== 'readAckNotices') return Reflect.get(target, name, receiver) as unknown;
        return (...args: Parameters<MemoryStore['readAckNotices']>) => (++reads > 20 ? Promise.reject(new Error('the catch-up is not advancing')) : target.readAckNotices(...args));
      },
    });
    const stop = new AbortController();
    const config = resolveConfig({}, {});
    const feed = new AckFeed({ store: counted, sender, config, logger: recordingLogger(), stop: stop.signal, clock: new StoreClock(), keys: { current: new Keyring(Buffer.alloc(32, 1)) } });
    try {
      await feed.open();
      const ack = (messageId: string) => store.acknowledge(inbox, { messageId, senderId: 'coord-a', body: notice(messageId), ttlMs: 60_000, noticeMaxLen: 1_000 });
      const pushed = config.readBatchSize + 50;
      for (let i = 0; i < pushed; i += 1) await ack(`coord-a:wake:${i}`); // each pushed, and taken from the push
      await settled();
      feed.expect('coord-a:wake:late');
      let gaps = 0;
      const seen: string[] = [];
      feed.watch('coord-a:wake:late', { notice: (e) => seen.push(JSON.parse(e.body!).messageId), gap: () => (gaps += 1) });
      store.appendRawEntry(keys.ackNotices(SWARM, 'coord-a'), notice('coord-a:wake:late')); // no push: only a read finds it
      store.publish(keys.push(SWARM, 'coord-a'), PUSH_RESYNC);
      for (let turn = 0; turn < 50 && gaps === 0; turn += 1) await settled();
      assert.deepEqual(seen, ['coord-a:wake:late'], 'read past the notices it had from pushes');
      assert.equal(gaps, 1, 'the catch-up ended');
      assert.ok(reads <= 3, `${reads} reads for ${pushed + 1} notices in batches of ${config.readBatchSize}`);
    } finally {
      stop.abort();
      await feed.close();
      await store.close();
    }
  });
});
