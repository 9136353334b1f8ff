/**
 * The attacker of issue 12, points 1 and 2: a raw Redis client that can write every key and
 * channel but does not know the secret, against live coordinators on a private Redis. Each attack
 * must fail and be counted; the genuine traffic beside it must complete.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { afterEach, describe, test } from 'node:test';
import { encodeAck } from '../../src/protocol/ack.js';
import { Keyring } from '../../src/protocol/keyring.js';
import { keys } from '../../src/protocol/keys.js';
import { encodeSignal } from '../../src/protocol/signal.js';
import { Coordinators, SECRET, uniqueSwarm } from '../support/coordinators.js';
import { usePrivateRedis } from '../support/private-redis.js';

const redis = usePrivateRedis();
/** Signatures the attacker captured from traffic (signed by a holder of the secret, at a time of the test's choosing). */
const captured = new Keyring(Buffer.from(SECRET));
const REPLAY_WINDOW_MS = 2_000;

describe('an attacker with Redis write access and no secret', () => {
  let c: Coordinators;
  let swarm: string;
  afterEach(() => c?.shutdownAll());
  const fresh = () => (c = new Coordinators(() => redis.store, (swarm = uniqueSwarm('attack'))));
  const publish = (to: string, kind: 's' | 'a', entryId: string, body: string) => redis.admin.publish(keys.push(swarm, to), `${kind} ${entryId} ${body}`);
  const genuine = (timestamp: number, type = 'wake', receiverId = 'coord-b') => encodeSignal({ senderId: 'coord-a', receiverId, type, timestamp }, captured);

  test('a captured signal older than the replay window, published with a fresh entry id, is rejected; the waiter goes on', async () => {
    fresh();
    const [a, b] = await Promise.all([c.start('coord-a'), c.start('coord-b', { replayWindowMs: REPLAY_WINDOW_MS })]);
    const now = await redis.store.time();
    const old = genuine(now - REPLAY_WINDOW_MS - 60_000);
    const rejected = once(b, 'message:rejected');
    const waiting = b.blockUntilSignal({ timeoutMs: 5_000 });
    await publish('coord-b', 's', `${now}-0`, old.body); // the entry id says "appended now"
    assert.equal((await rejected)[0].reason, 'replay_window');
    const { messageId } = await a.sendSignal('coord-b', 'wake');
    assert.equal((await waiting).messageId, messageId, 'the genuine signal still arrives');
  });

  test('an acknowledged message published again is rejected, also by a new instance (the ACK record is checked, and verified)', async () => {
    fresh();
    const [a, b] = await Promise.all([c.start('coord-a'), c.start('coord-b')]);
    const { messageId } = await a.sendSignal('coord-b', 'wake');
    const signal = await b.blockUntilSignal({ timeoutMs: 5_000 });
    await b.acknowledge(signal);
    const { entryId: _e, ...fields } = signal;
    const body = JSON.stringify({ v: 1, ...fields });
    await b.stop();
    const again = await c.start('coord-b'); // knows nothing of it: the store's ACK record answers
    const rejected = once(again, 'message:rejected');
    await publish('coord-b', 's', `${Date.now()}-5`, body);
    const [event] = await rejected;
    assert.deepEqual([event.reason, event.messageId], ['replay_processed', messageId]);
  });

  test("a forged push naming another signal's entry id neither discards that signal nor lets an ACK remove it", async () => {
    fresh();
    // b holds at most 8 KB of signals no wait took: the second 6 KB one stays in the store, unread by b.
    const [a, b] = await Promise.all([c.start('coord-a'), c.start('coord-b', { maxSignalBytes: 8_192, maxHeldBytes: 8_192 })]);
    const payload = 'x'.repeat(6_000);
    const held = once(b, 'signal:received');
    await a.sendSignal('coord-b', 'work', { payload });
    await held;
    const left = await a.sendSignal('coord-b', 'work', { payload });
    const entries = await redis.admin.xrange(keys.inbox(swarm, 'coord-b'), '-', '+');
    const leftEntryId = entries[1]![0];
    // Garbage under its id: rejected, and its entry left alone.
    const rejected = once(b, 'message:rejected');
    await publish('coord-b', 's', leftEntryId, '{"v":1}');
    assert.equal((await rejected)[0].reason, 'malformed');
    assert.equal(await redis.admin.xlen(keys.inbox(swarm, 'coord-b')), 2, 'nothing discarded on the word of a push');
    // A genuine, never-delivered signal pushed under the same id: taken (a wait wants it), and its ACK removes no other entry.
    const pushed = genuine(await redis.store.time());
    const waiting = b.blockUntilSignal({ types: 'wake', timeoutMs: 5_000 });
    await publish('coord-b', 's', leftEntryId, pushed.body);
    const taken = await waiting;
    assert.deepEqual([taken.messageId, taken.entryId], [pushed.signal.messageId, leftEntryId]);
    await b.acknowledge(taken);
    assert.deepEqual((await redis.admin.xrange(keys.inbox(swarm, 'coord-b'), '-', '+')).map(([id]) => id), entries.map(([id]) => id), 'both signals are still in the inbox');
    const works = [await b.blockUntilSignal({ types: 'work', timeoutMs: 5_000 }), await b.blockUntilSignal({ types: 'work', timeoutMs: 5_000 })];
    assert.equal(works[1]!.messageId, left.messageId, 'the signal left in the store is delivered');
  });

  test("a pre-created ACK key neither stands for the receiver's ACK nor swallows it: replaced, and the sender gets the genuine one", async () => {
    fresh();
    const [a, b] = await Promise.all([c.start('coord-a'), c.start('coord-b')]);
    const forged = once(b, 'record:forged');
    // Written the moment the message appears, before the receiver acknowledges it.
    const { messageId } = await a.sendSignal('coord-b', 'wake');
    await redis.admin.set(keys.ack(swarm, 'coord-b', messageId), JSON.stringify({ v: 1, messageId, coordinatorId: 'coord-b', senderId: 'coord-a', status: 'rejected', timestamp: Date.now(), signature: 'f'.repeat(64) }));
    const signal = await b.blockUntilSignal({ timeoutMs: 5_000 });
    const ack = await b.acknowledge(signal, { status: 'approved' });
    assert.equal(ack.status, 'approved');
    assert.equal(JSON.parse((await redis.admin.get(keys.ack(swarm, 'coord-b', messageId)))!).signature, ack.signature, 'the genuine ACK is the one stored');
    assert.equal((await forged)[0].kind, 'ack');
    const acks = await a.waitForAcks(['coord-b'], messageId, { timeoutMs: 5_000 });
    assert.equal(acks.get('coord-b')?.status, 'approved');
    assert.ok(b.getMetrics().forgedRecords >= 1, 'counted (also by the inbox, when it checked the record as the signal arrived)');
  });

  test('a forged ACK key does not make a signal queued for an offline receiver be dropped as already processed', async () => {
    fresh();
    const a = await c.start('coord-a');
    const { messageId } = await a.sendSignal('coord-b', 'wake'); // b is not running
    await redis.admin.set(keys.ack(swarm, 'coord-b', messageId), 'processed, trust me');
    const b = c.make('coord-b');
    const forged = once(b, 'record:forged');
    await b.start();
    assert.equal((await b.blockUntilSignal({ timeoutMs: 5_000 })).messageId, messageId);
    assert.equal((await forged)[0].messageId, messageId);
  });

  for (const [what, record] of [
    ['garbage', 'garbage'],
    ['a bare messageId (an unsigned record)', 'coord-x:wake:1'],
    ['a record signed for another key', 'coord-a:wake:1 ' + 'a'.repeat(64)],
  ] as const) {
    test(`an idempotency key pre-claimed with ${what} does not swallow the first genuine send`, async () => {
      fresh();
      const [a, b] = await Promise.all([c.start('coord-a'), c.start('coord-b')]);
      await redis.admin.set(keys.idempotency(swarm, 'coord-b', 'order-1'), record);
      const sent = await a.sendSignal('coord-b', 'wake', { idempotencyKey: 'order-1' });
      assert.equal(sent.isDuplicate, false);
      assert.match(sent.messageId, /^coord-a:wake:\d+/);
      assert.equal((await b.blockUntilSignal({ timeoutMs: 5_000 })).messageId, sent.messageId);
      assert.equal(a.getMetrics().forgedRecords, 1);
      // And the key now protects: a resend is the duplicate of the genuine send.
      const again = await a.sendSignal('coord-b', 'wake', { idempotencyKey: 'order-1' });
      assert.deepEqual(again, { messageId: sent.messageId, isDuplicate: true });
    });
  }

  test('keys of the wrong type in place of an inbox and an ACK notice stream stop neither start() nor acknowledge()', async () => {
    fresh();
    await redis.admin.set(keys.inbox(swarm, 'coord-b'), 'not a stream');
    await redis.admin.hset(keys.ackNotices(swarm, 'coord-a'), 'not', 'a stream');
    const [a, b] = await Promise.all([c.start('coord-a'), c.start('coord-b')]);
    const { messageId } = await a.sendSignal('coord-b', 'wake');
    await b.acknowledge(await b.blockUntilSignal({ timeoutMs: 5_000 }));
    assert.equal((await a.waitForAcks(['coord-b'], messageId, { timeoutMs: 5_000 })).size, 1);
    assert.equal(await redis.admin.type(keys.ackNotices(swarm, 'coord-a')), 'stream');
    assert.ok(redis.store.lostState.wrongTypeKeysReplaced >= 2, 'both counted');
  });

  test('a forged ACK in the key, read at every key read of a wait, is one rejection, not one per read', async () => {
    fresh();
    const a = await c.start('coord-a');
    const { messageId } = await a.sendSignal('coord-b', 'wake'); // b never answers
    const forger = new Keyring(Buffer.from('0123456789abcdef0123456789abcdef-not-the-secret'));
    const { body } = encodeAck({ messageId, coordinatorId: 'coord-b', senderId: 'coord-a', status: 'received', timestamp: Date.now() }, forger);
    await redis.admin.set(keys.ack(swarm, 'coord-b', messageId), body);
    const acks = await a.waitForAcks(['coord-b'], messageId, { timeoutMs: 300 });
    assert.equal(acks.size, 0);
    assert.deepEqual(a.getMetrics().acksRejected, { bad_signature: 1 });
  });

  test('a flood of forged entries is a log line per reason per interval, all of them counted', async () => {
    fresh();
    const [a, b] = await Promise.all([c.start('coord-a'), c.start('coord-b')]);
    let rejections = 0;
    const all = new Promise<void>((resolve) => b.on('message:rejected', () => ++rejections === 500 && resolve()));
    const pipeline = redis.admin.pipeline();
    for (let i = 0; i < 500; i++) pipeline.publish(keys.push(swarm, 'coord-b'), `s ${Date.now()}-${i} {"garbage":${i}}`);
    await pipeline.exec();
    await all;
    assert.deepEqual(b.getMetrics().signalsRejected, { malformed: 500 });
    assert.equal(b.logs.records.filter((r) => r.msg === 'signal rejected: malformed').length, 1, 'one line, the rest counted');
    const { messageId } = await a.sendSignal('coord-b', 'wake');
    assert.equal((await b.blockUntilSignal({ timeoutMs: 5_000 })).messageId, messageId);
  });
});
