/**
 * A "foreign agent" written only from docs/protocol.md: it builds, signs and verifies signals,
 * ACKs, idempotency records and heartbeats with plain node:crypto and JSON (none of the library's
 * encode or decode functions), and talks to real library coordinators and a real supervisor:
 * on Redis (a private redis-server) with the raw commands of the page's walkthrough, on the
 * memory store through the store operations with bodies it built itself.
 */
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { BlockingCoordinator } from '../../src/core/coordinator.js';
import { createStore } from '../../src/store/create-store.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import type { Store } from '../../src/store/port.js';
import { readLuaScript } from '../../src/store/redis/lua-source.js';
import { CoordinatorTimeoutHandler } from '../../src/supervision/timeout-handler.js';
import { recordingLogger } from '../support/recording-logger.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';

const SECRET = 'foreign-agent-test-secret-0123456789abcdef';
const GROUP = 'rendezvous';
const SIGNAL_TTL_MS = 86_400_000;
const ACK_TTL_MS = 3_600_000;

// --- the agent's protocol code, from docs/protocol.md alone ---

/** Canonical JSON: keys sorted by UTF-16 code units, no whitespace, strings and numbers as JSON.stringify writes them. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const record = value as Record<string, unknown>;
  return `{${Object.keys(record)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonical(record[key])}`)
    .join(',')}}`;
}
const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const hmac = (text: string): string => createHmac('sha256', Buffer.from(SECRET, 'utf8')).update(text, 'utf8').digest('hex');

interface SignalFields {
  senderId: string;
  receiverId: string;
  type: string;
  timestamp: number;
  seq?: number;
  iteration?: number;
  payload?: unknown;
  idempotencyKey?: string;
  replaces?: string;
}

function signalSigningString(s: SignalFields): string {
  let text = `${s.senderId}:${s.receiverId}:${s.type}:${s.timestamp}`;
  if (s.seq !== undefined) text += `:seq=${s.seq}`;
  if (s.iteration !== undefined) text += `:iteration=${s.iteration}`;
  if (s.payload !== undefined) text += `:payload=${sha256(canonical(s.payload))}`;
  if (s.idempotencyKey !== undefined) text += `:idempotencyKey=${s.idempotencyKey}`;
  if (s.replaces !== undefined) text += `:replaces=${s.replaces}`;
  return text;
}

/** The stored body; its key order is free (this agent puts the signature first), its JSON compact. */
function signalBody(s: SignalFields): { messageId: string; body: string } {
  const messageId = `${s.senderId}:${s.type}:${s.timestamp}${s.seq === undefined ? '' : `.${s.seq}`}`;
  return { messageId, body: JSON.stringify({ signature: hmac(signalSigningString(s)), v: 1, ...s, messageId }) };
}

interface AckFields {
  messageId: string;
  coordinatorId: string;
  senderId: string;
  status: string;
  timestamp: number;
  iteration?: number;
  result?: unknown;
  replaces?: string;
}

function ackSigningString(a: AckFields): string {
  let text = `rdv-ack-v1\n${a.coordinatorId}:${a.senderId}:${a.messageId}:${a.status}:${a.timestamp}`;
  if (a.iteration !== undefined) text += `:iteration=${a.iteration}`;
  if (a.result !== undefined) text += `:result=${sha256(canonical(a.result))}`;
  if (a.replaces !== undefined) text += `:replaces=${a.replaces}`;
  return text;
}

const ackBody = (a: AckFields): string => JSON.stringify({ v: a.result === undefined ? 1 : 2, ...a, signature: hmac(ackSigningString(a)) });

/** Verifies a signal read from the inbox as the page says; returns its fields or throws. */
function verifySignal(body: string, me: string): SignalFields & { messageId: string } {
  const json = JSON.parse(body) as SignalFields & { v: number; messageId: string; signature: string };
  assert.equal(json.v, 1);
  assert.equal(json.receiverId, me);
  assert.equal(json.messageId, `${json.senderId}:${json.type}:${json.timestamp}${json.seq === undefined ? '' : `.${json.seq}`}`);
  const { v: _v, signature, messageId, ...fields } = json;
  assert.equal(signature, hmac(signalSigningString(fields)), 'signal signature');
  return { ...fields, messageId };
}

function verifyAck(body: string, sender: string): AckFields {
  const { v, signature, ...fields } = JSON.parse(body) as AckFields & { v: number; signature: string };
  assert.equal(v, fields.result === undefined ? 1 : 2);
  assert.equal(fields.senderId, sender);
  assert.equal(signature, hmac(ackSigningString(fields)), 'ACK signature');
  return fields;
}

function heartbeatBody(coordinatorId: string, swarmId: string, timestamp: number, sequence: number): string {
  return JSON.stringify({ coordinatorId, swarmId, timestamp, iteration: 1, phase: 'validating', status: 'active', sequence, waitingFor: [] });
}

// --- how the agent reaches the store ---

interface Entry {
  entryId: string;
  body: string;
}

/** What the agent does with a store: on Redis, the walkthrough's commands. */
interface Wire {
  /** Store-clock ms. */
  time(): Promise<number>;
  send(swarmId: string, receiverId: string, body: string): Promise<void>;
  /** Pending entries, then new ones, as consumer `me` of the group. */
  readInbox(swarmId: string, me: string): Promise<Entry[]>;
  /** `receiverId`: the signal's (a replacement acknowledges under the replaced coordinator's id). */
  acknowledge(swarmId: string, me: string, receiverId: string, entryId: string, messageId: string, senderId: string, body: string): Promise<void>;
  ackNotices(swarmId: string, senderId: string): Promise<string[]>;
  inboxLength(swarmId: string, me: string): Promise<number>;
  beat(swarmId: string, me: string, body: string, registryScore: number): Promise<void>;
}

function redisWire(redis: Redis): Wire {
  const inbox = (swarm: string, id: string) => `blocking:signal:{${swarm}}:${id}`;
  const push = (swarm: string, id: string) => `blocking:push:{${swarm}}:${id}`;
  const entries = (reply: unknown): Entry[] => {
    const streams = reply as [string, [string, string[]][]][] | null;
    return (streams?.[0]?.[1] ?? []).map(([entryId, fields]) => ({ entryId, body: fields[1]! }));
  };
  return {
    async time() {
      const [seconds, micros] = await redis.time();
      return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    },
    async send(swarm, receiver, body) {
      const key = inbox(swarm, receiver);
      await redis.xgroup('CREATE', key, GROUP, '0', 'MKSTREAM').catch((error: Error) => {
        if (!error.message.startsWith('BUSYGROUP')) throw error;
      });
      const entryId = await redis.xadd(key, '*', 'signal', body);
      await redis.pexpire(key, SIGNAL_TTL_MS);
      await redis.publish(push(swarm, receiver), `s ${entryId} ${body}`);
    },
    async readInbox(swarm, me) {
      const key = inbox(swarm, me);
      const pending = entries(await redis.xreadgroup('GROUP', GROUP, me, 'COUNT', 100, 'STREAMS', key, '0'));
      const fresh = entries(await redis.xreadgroup('GROUP', GROUP, me, 'COUNT', 100, 'STREAMS', key, '>'));
      return [...pending, ...fresh];
    },
    async acknowledge(swarm, me, receiverId, entryId, messageId, senderId, body) {
      // The ACK key first (only if absent), then the notice, then the entry, then the push.
      const taken = await redis.set(`blocking:ack:{${swarm}}:${receiverId}:${messageId}`, body, 'PX', ACK_TTL_MS, 'NX');
      assert.equal(taken, 'OK');
      const notices = `blocking:acks:{${swarm}}:${senderId}`;
      const noticeId = await redis.xadd(notices, 'MAXLEN', '~', 1000, '*', 'ack', body);
      await redis.pexpire(notices, ACK_TTL_MS);
      await redis.xack(inbox(swarm, me), GROUP, entryId);
      await redis.xdel(inbox(swarm, me), entryId);
      await redis.publish(push(swarm, senderId), `a ${noticeId} ${body}`);
    },
    async ackNotices(swarm, sender) {
      return (await redis.xrange(`blocking:acks:{${swarm}}:${sender}`, '-', '+')).map(([, fields]) => fields[1]!);
    },
    inboxLength: (swarm, me) => redis.xlen(inbox(swarm, me)),
    async beat(swarm, me, body, score) {
      await redis.set(`blocking:heartbeat:${me}`, body, 'PX', 90_000);
      await redis.zadd(`coordinator:registry:{${swarm}}`, score, me);
      await redis.pexpire(`coordinator:registry:{${swarm}}`, 7 * 86_400_000);
      await redis.sadd('coordinator:swarms', swarm);
    },
  };
}

/** The memory store has no commands: its operations, given the bodies the agent built. */
function memoryWire(store: MemoryStore): Wire {
  return {
    time: () => store.time(),
    async send(swarmId, coordinatorId, body) {
      const { messageId, senderId } = JSON.parse(body) as { messageId: string; senderId: string };
      await store.appendSignal({ swarmId, coordinatorId }, body, { messageId, senderId, ttlMs: SIGNAL_TTL_MS });
    },
    async readInbox(swarmId, me) {
      const ref = { swarmId, coordinatorId: me };
      const all = [...(await store.readPending(ref, '0-0', 100)), ...(await store.readNew(ref, 100))];
      return all.map(({ entryId, body }) => ({ entryId, body: body! }));
    },
    async acknowledge(swarmId, me, receiverId, entryId, messageId, senderId, body) {
      const result = await store.acknowledge({ swarmId, coordinatorId: me }, { entryId, receiverId, messageId, senderId, body, ttlMs: ACK_TTL_MS, noticeMaxLen: 1000 });
      assert.equal(result.created, true);
    },
    async ackNotices(swarmId, senderId) {
      return (await store.readAckNotices({ swarmId, coordinatorId: senderId }, '0-0', 100)).map((entry) => entry.body!);
    },
    async inboxLength(swarmId, me) {
      const ref = { swarmId, coordinatorId: me };
      return (await store.readPending(ref, '0-0', 100)).length + (await store.readNew(ref, 100)).length;
    },
    beat: (swarmId, coordinatorId, body, timestamp) => store.beat({ swarmId, coordinatorId, body, timestamp, ttlMs: 90_000, registryTtlMs: 7 * 86_400_000 }),
  };
}

// --- the tests, once per store ---

const PAYLOAD = { verdict: 'approve', score: 0.1, big: 1e21, delta: -5, nested: { b: { d: 4, c: 3 }, a: [{ y: 2, x: 1 }] }, empty: {}, note: 'Zoë ✓ 😀', nothing: null };

let swarmCount = 0;
const swarm = (): string => `fa-${process.pid}-${(swarmCount += 1)}`;

function libraryCoordinator(store: Store, id: string, swarmId: string): BlockingCoordinator {
  return new BlockingCoordinator({ id, swarmId, store, secret: SECRET, env: {}, logger: recordingLogger(), heartbeatIntervalMs: 50, heartbeatTtlMs: 400, blockingTimeoutMs: 5_000 });
}

function suite(name: string, setup: () => Promise<{ store: Store; wire: Wire; close(): Promise<void> }>): void {
  describe(`a foreign agent on ${name}`, () => {
    let store: Store;
    let wire: Wire;
    let close: () => Promise<void>;
    before(async () => ({ store, wire, close } = await setup()));
    after(() => close());

    test('its canonical JSON is the vectors\'', () => {
      const vectors = JSON.parse(readFileSync(new URL('../../docs/protocol-vectors.json', import.meta.url), 'utf8')) as { canonicalJson: { json: string; canonical: string }[] };
      for (const v of vectors.canonicalJson) assert.equal(canonical(JSON.parse(v.json)), v.canonical, v.json);
    });

    test('sends a signal a library coordinator accepts, and verifies the ACK with a result it gets back', { timeout: 10_000 }, async () => {
      const swarmId = swarm();
      const receiver = libraryCoordinator(store, 'lib-b', swarmId);
      await receiver.start();
      try {
        const fields: SignalFields = { senderId: 'agent-a', receiverId: 'lib-b', type: 'validate', timestamp: await wire.time(), iteration: 3, payload: PAYLOAD, idempotencyKey: 'round-3' };
        const { messageId, body } = signalBody(fields);
        await wire.send(swarmId, 'lib-b', body);
        const got = await receiver.blockUntilSignal({ from: 'agent-a', timeoutMs: 5_000 });
        assert.equal(got.messageId, messageId);
        assert.deepEqual(got.payload, PAYLOAD);
        assert.equal(got.iteration, 3);
        await receiver.acknowledge(got, { status: 'processed', result: { vote: 'approve', weight: 0.5 } });

        const notices = await wire.ackNotices(swarmId, 'agent-a');
        assert.equal(notices.length, 1);
        const ack = verifyAck(notices[0]!, 'agent-a');
        assert.deepEqual([ack.messageId, ack.coordinatorId, ack.status, ack.iteration, ack.result], [messageId, 'lib-b', 'processed', 3, { vote: 'approve', weight: 0.5 }]);
        assert.ok(Math.abs(ack.timestamp - (await wire.time())) < 60_000, 'ACK stamped by the store clock');
      } finally {
        await receiver.stop();
      }
    });

    test('a body written with spaces (Python\'s json.dumps) is accepted, and its ACK removes it from the inbox', { timeout: 10_000 }, async () => {
      const swarmId = swarm();
      const receiver = libraryCoordinator(store, 'lib-b', swarmId);
      await receiver.start();
      try {
        const fields: SignalFields = { senderId: 'agent-a', receiverId: 'lib-b', type: 'wake', timestamp: await wire.time(), payload: { note: 'spaced' } };
        const { messageId, body } = signalBody(fields);
        const spaced = JSON.stringify(JSON.parse(body), null, 1).replace(/\n\s*/g, ' ');
        assert.ok(!spaced.includes(`"messageId":"`), 'the body has a space after each colon');
        await wire.send(swarmId, 'lib-b', spaced);
        const got = await receiver.blockUntilSignal({ from: 'agent-a', timeoutMs: 5_000 });
        assert.equal(got.messageId, messageId);
        await receiver.acknowledge(got);
        assert.equal(await wire.inboxLength(swarmId, 'lib-b'), 0, 'the acknowledged entry is gone');
      } finally {
        await receiver.stop();
      }
    });

    test('answers a library coordinator\'s signal with an ACK its waitForAcks accepts', { timeout: 10_000 }, async () => {
      const swarmId = swarm();
      const sender = libraryCoordinator(store, 'lib-a', swarmId);
      await sender.start();
      try {
        const { messageId } = await sender.sendSignal('agent-b', 'validate', { iteration: 2, payload: PAYLOAD });
        const entries = await wire.readInbox(swarmId, 'agent-b');
        assert.equal(entries.length, 1);
        const signal = verifySignal(entries[0]!.body, 'agent-b');
        assert.equal(signal.messageId, messageId);
        assert.deepEqual(signal.payload, PAYLOAD);

        const ack: AckFields = { messageId, coordinatorId: 'agent-b', senderId: 'lib-a', status: 'processed', timestamp: await wire.time(), iteration: signal.iteration, result: { vote: 'approve', notes: ['Zoë', 1e21] } };
        await wire.acknowledge(swarmId, 'agent-b', 'agent-b', entries[0]!.entryId, messageId, 'lib-a', ackBody(ack));
        assert.equal(await wire.inboxLength(swarmId, 'agent-b'), 0, 'the entry is gone from the inbox');

        const acks = await sender.waitForAcks(['agent-b'], messageId, { timeoutMs: 5_000 });
        assert.deepEqual(acks.get('agent-b')?.result, { vote: 'approve', notes: ['Zoë', 1e21] });
        assert.equal(acks.get('agent-b')?.status, 'processed');
      } finally {
        await sender.stop();
      }
    });

    test('is replaced when it dies: its replacement gets its unacknowledged signal, and its ACK counts as the dead one\'s', { timeout: 10_000 }, async () => {
      const swarmId = swarm();
      const sender = libraryCoordinator(store, 'lib-a', swarmId);
      const other = libraryCoordinator(store, 'lib-w', swarmId);
      await Promise.all([sender.start(), other.start()]);
      const handler = new CoordinatorTimeoutHandler({
        store,
        deadThresholdMs: 30_000,
        checkIntervalMs: 20,
        maxWarnings: 1,
        namespace: `${swarmId}-sv`,
        election: { secret: SECRET, leaseTimeoutMs: 600, heartbeatIntervalMs: 100, workerTimeoutMs: 1_000 },
        logger: recordingLogger(),
        env: {},
      });
      try {
        // agent-x beat two minutes ago and died with a signal in its inbox.
        const then = (await wire.time()) - 120_000;
        await wire.beat(swarmId, 'agent-x', heartbeatBody('agent-x', swarmId, then, 9), then);
        const { messageId } = await sender.sendSignal('agent-x', 'validate', { iteration: 1, payload: { task: 7 } });
        const escalated = new Promise<string>((resolve) =>
          handler.on('coordinator:escalated', (event) => void (event.coordinatorId === 'agent-x' && resolve(event.replacementId))),
        );
        await handler.start();
        const replacement = await escalated;

        // The replacement, a foreign agent too, reads its own inbox: the signal is still addressed to agent-x.
        const entries = await wire.readInbox(swarmId, replacement);
        assert.equal(entries.length, 1);
        const signal = verifySignal(entries[0]!.body, 'agent-x');
        assert.equal(signal.messageId, messageId);
        const ack: AckFields = { messageId, coordinatorId: replacement, senderId: 'lib-a', status: 'processed', timestamp: await wire.time(), iteration: 1, result: 'done', replaces: 'agent-x' };
        await wire.acknowledge(swarmId, replacement, 'agent-x', entries[0]!.entryId, messageId, 'lib-a', ackBody(ack));

        const acks = await sender.waitForAcks(['agent-x'], messageId, { timeoutMs: 5_000 });
        assert.equal(acks.get('agent-x')?.replaces, 'agent-x');
        assert.equal(acks.get('agent-x')?.coordinatorId, replacement);
        // Another waiter has no notice of it: it finds the ACK under the key of the signal's receiver.
        assert.equal((await other.waitForAcks(['agent-x'], messageId, { timeoutMs: 5_000 })).get('agent-x')?.result, 'done');
      } finally {
        await handler.stop();
        await Promise.all([sender.stop(), other.stop()]);
      }
    });

    test('a signal with one byte changed is rejected, not delivered', { timeout: 10_000 }, async () => {
      const swarmId = swarm();
      const receiver = libraryCoordinator(store, 'lib-b', swarmId);
      const rejected = once(receiver, 'message:rejected');
      await receiver.start();
      try {
        const { body } = signalBody({ senderId: 'agent-a', receiverId: 'lib-b', type: 'wake', timestamp: await wire.time(), payload: { n: 1 } });
        await wire.send(swarmId, 'lib-b', body.replace('{"n":1}', '{"n":2}'));
        const [event] = (await rejected) as [{ reason: string }];
        assert.equal(event.reason, 'bad_signature');
      } finally {
        await receiver.stop();
      }
    });

    test('its heartbeat writes make the supervisor see it alive', { timeout: 10_000 }, async () => {
      const swarmId = swarm();
      const now = await wire.time();
      await wire.beat(swarmId, 'agent-c', heartbeatBody('agent-c', swarmId, now, 1), now);
      // The record itself counts, not only the registry score: a lagging score does not make it dead.
      await wire.beat(swarmId, 'agent-d', heartbeatBody('agent-d', swarmId, now, 1), now - 120_000);
      // The control: registered two minutes ago, no heartbeat since.
      await wire.beat(swarmId, 'silent-e', 'not a heartbeat', now - 120_000);
      const handler = new CoordinatorTimeoutHandler({
        store,
        deadThresholdMs: 30_000,
        checkIntervalMs: 20,
        maxWarnings: 1_000,
        namespace: `${swarmId}-sv`,
        election: { secret: SECRET, leaseTimeoutMs: 600, heartbeatIntervalMs: 100, workerTimeoutMs: 1_000 },
        logger: recordingLogger(),
        env: {},
      });
      const warned = new Set<string>();
      handler.on('coordinator:warning', (event) => void (event.swarmId === swarmId && warned.add(event.coordinatorId)));
      try {
        assert.equal(await handler.checkCoordinatorTimeout('agent-c', swarmId), false);
        assert.equal(await handler.checkCoordinatorTimeout('agent-d', swarmId), false);
        assert.equal(await handler.checkCoordinatorTimeout('silent-e', swarmId), true);
        await handler.start();
        for (let count = 0; count < 3; ) {
          const [event] = (await once(handler, 'coordinator:warning')) as [{ swarmId: string; coordinatorId: string; count: number }];
          if (event.swarmId === swarmId && event.coordinatorId === 'silent-e') count = event.count;
        }
        assert.deepEqual([...warned], ['silent-e']);
      } finally {
        await handler.stop();
      }
    });
  });
}

suite('the memory store', async () => {
  const store = new MemoryStore();
  return { store, wire: memoryWire(store), close: () => store.close() };
});

suite('Redis', async () => {
  const server: RedisServer = await startRedis();
  const store = await createStore({ url: server.url });
  const raw = new Redis(server.port, server.host);
  return {
    store,
    wire: redisWire(raw),
    async close() {
      await store.close();
      raw.disconnect();
      await server.stop();
    },
  };
});

describe('a foreign agent using the library\'s own scripts on Redis', () => {
  let server: RedisServer;
  let store: Store;
  let raw: Redis;
  before(async () => {
    server = await startRedis();
    store = await createStore({ url: server.url });
    raw = new Redis(server.port, server.host);
  });
  after(async () => {
    await store.close();
    raw.disconnect();
    await server.stop();
  });

  test('append-signal.lua with the documented KEYS and ARGV: delivered once, the idempotency record signed', { timeout: 10_000 }, async () => {
    const script = readLuaScript(new URL('../../src/store/redis/lua/', import.meta.url), 'append-signal.lua');
    const swarmId = swarm();
    const receiver = libraryCoordinator(store, 'lib-b', swarmId);
    await receiver.start();
    try {
      const fields: SignalFields = { senderId: 'agent-a', receiverId: 'lib-b', type: 'decide', timestamp: Number((await raw.time())[0]) * 1000, idempotencyKey: 'once' };
      const { messageId, body } = signalBody(fields);
      const record = `${messageId} ${hmac(`#idempotency:${swarmId}:lib-b:once:${messageId}`)}`;
      const call = () =>
        raw.eval(script, 3, `blocking:signal:{${swarmId}}:lib-b`, `blocking:idempotency:{${swarmId}}:lib-b:once`, `blocking:rate:{${swarmId}}:lib-b:agent-a`,
          GROUP, body, SIGNAL_TTL_MS, record, `blocking:push:{${swarmId}}:lib-b`, '', 100, 10_000) as Promise<[number, string, number][]>;
      assert.deepEqual(await call(), [[0, '', 0]]);
      assert.deepEqual(await call(), [[1, record, 0]], 'the second send is a duplicate: the record comes back');
      const got = await receiver.blockUntilSignal({ timeoutMs: 5_000 });
      assert.equal(got.messageId, messageId);
      assert.equal(await raw.xlen(`blocking:signal:{${swarmId}}:lib-b`), 1);
    } finally {
      await receiver.stop();
    }
  });
});
