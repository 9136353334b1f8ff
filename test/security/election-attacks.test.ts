/**
 * Issue 12, point 4: the leader election under an attacker who can write anything to the store
 * (SET, HSET, DEL, XADD on the election's keys) but does not know the signing secret. Live
 * GlobalCoordinator workers with compressed timings, on a private redis-server (a raw ioredis
 * client is the attacker) and on the memory store (its raw helpers are); the Cluster case of a
 * lost epoch counter with fences surviving in other slots on a private Cluster. Beside every
 * attack the workers' own traffic goes on: at most one of them leads at any time, and their fenced
 * writes (a log of leader actions) never go back in epoch nor share one between two workers.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { Cluster, Redis } from 'ioredis';
import { Keyring } from '../../src/protocol/keyring.js';
import { leaseEventSigningString, leaseSigningString } from '../../src/protocol/election-seal.js';
import { StoreUnavailableError } from '../../src/protocol/errors.js';
import { globalKeys } from '../../src/protocol/keys.js';
import { createStore } from '../../src/store/create-store.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import type { Store } from '../../src/store/port.js';
import type { LeaderChangedEvent } from '../../src/supervision/election/types.js';
import { getGlobalCoordinator } from '../../src/supervision/global-coordinator-registry.js';
import { GlobalCoordinator } from '../../src/supervision/global-coordinator.js';
import { CoordinatorTimeoutHandler } from '../../src/supervision/timeout-handler.js';
import { OTHER_SECRET, SECRET, uniqueSwarm } from '../support/coordinators.js';
import { memoryAccess, redisAccess, type RawAccess } from '../support/raw-access.js';
import { recordingLogger } from '../support/recording-logger.js';
import { startRedis, startRedisCluster, type RedisCluster, type RedisServer } from '../support/redis-server.js';
import { until } from '../support/until.js';
import { nextLeader } from '../support/leader-events.js';

const LEASE_MS = 500;
const TIMINGS = { leaseTimeoutMs: LEASE_MS, heartbeatIntervalMs: 100, workerTimeoutMs: 2_000 };
/** A seal the attacker can write: well formed, made without the secret. */
const NO_SEAL = 'ab'.repeat(32);
const INSTANCE = '0123456789abcdef';

/** One store under attack: the workers' store, and the attacker's raw access to it. */
interface Target {
  name: 'memory' | 'redis';
  setup(): Promise<void>;
  teardown(): Promise<void>;
  store(): Store;
  raw(): RawAccess;
}

function memoryTarget(): Target {
  let store: MemoryStore;
  return {
    name: 'memory',
    setup: async () => void (store = new MemoryStore()),
    teardown: () => store.close(),
    store: () => store,
    raw: () => memoryAccess(store),
  };
}

function redisTarget(): Target {
  let server: RedisServer;
  let store: Store;
  let attacker: Redis;
  return {
    name: 'redis',
    async setup() {
      server = await startRedis();
      store = await createStore({ url: server.url, logger: recordingLogger() });
      attacker = new Redis(server.port, server.host); // no secret: just a client with write access
    },
    async teardown() {
      attacker.disconnect();
      await store.close();
      await server.stop();
    },
    store: () => store,
    raw: () => redisAccess(attacker),
  };
}

/** A lease record as an attacker writes it: well formed, sealed with `secret` (or with no seal it knows). */
function forgedRecord(namespace: string, workerId: string, epoch: number, secret?: string): Record<string, string> {
  const fields = { workerId, instance: INSTANCE, epoch, leaseMs: LEASE_MS, renewal: 0 };
  const seal = secret === undefined ? NO_SEAL : new Keyring(Buffer.from(secret)).sign(leaseSigningString(namespace, fields));
  return { workerId, instance: INSTANCE, epoch: String(epoch), leaseMs: String(LEASE_MS), renewal: '0', seal, since: '0' };
}

/** Resolves with the first of `workers` to take the lease (its own leader:changed naming itself). */
function firstToLead(workers: readonly GlobalCoordinator[], above = 0): Promise<GlobalCoordinator> {
  return Promise.race(workers.map((gc) => nextLeader(gc, (e) => e.newLeader === gc.workerId && e.epoch > above).then(() => gc)));
}

/** A store whose calls can be made to fail, as a leader that crashed or was cut off sees it. */
function severable(store: Store): { store: Store; sever(): void } {
  let down = false;
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || property === 'onConnectionChange') return value;
      return (...args: unknown[]) => (down ? Promise.reject(new StoreUnavailableError(String(property), new Error('severed'))) : (value as (...a: unknown[]) => unknown).apply(target, args));
    },
  });
  return { store: proxy, sever: () => (down = true) };
}

/**
 * The workers of one test, each running a plugin that appends a fenced action {workerId, epoch}
 * every 20 ms while it leads; every time one of them starts leading, no other may still lead.
 */
class Election {
  readonly workers: GlobalCoordinator[] = [];
  readonly overlaps: string[] = [];
  readonly logs = recordingLogger();
  readonly actions: string;

  constructor(
    readonly namespace: string,
    readonly store: Store,
  ) {
    this.actions = `coordinator:global:{${namespace}}:actions`;
  }

  add(options: { store?: Store; leaseTimeoutMs?: number } = {}): GlobalCoordinator {
    const gc = new GlobalCoordinator({ ...TIMINGS, secret: SECRET, logger: this.logs, ...options, store: options.store ?? this.store, namespace: this.namespace });
    gc.on('leader:changed', (event) => {
      if (event.newLeader !== gc.workerId) return;
      const others = this.workers.filter((other) => other !== gc && other.isLeader());
      if (others.length > 0) this.overlaps.push(`${gc.workerId} took epoch ${event.epoch} while ${others.map((o) => o.workerId).join(', ')} led`);
    });
    void gc.subscribePlugin('actor', {
      leaderWork: {
        intervalMs: 20,
        run: async ({ epoch }) => void (await gc.fenced(epoch, [{ op: 'xadd', key: this.actions, body: JSON.stringify({ workerId: gc.workerId, epoch }), maxLen: 100_000 }])),
      },
    });
    this.workers.push(gc);
    return gc;
  }

  leaders(): GlobalCoordinator[] {
    return this.workers.filter((gc) => gc.isLeader());
  }

  /** The log of accepted leader actions: epochs never go back, and no epoch acted through two workers. */
  async assertActionsConsistent(raw: RawAccess): Promise<number> {
    const entries = (await raw.streamBodies(this.actions)).map((body) => JSON.parse(body) as { workerId: string; epoch: number });
    const ownerOf = new Map<number, string>();
    let newest = 0;
    for (const [i, { workerId, epoch }] of entries.entries()) {
      assert.ok(epoch >= newest, `action ${i} of epoch ${epoch} was accepted after epoch ${newest} acted`);
      newest = epoch;
      assert.equal(ownerOf.get(epoch) ?? workerId, workerId, `epoch ${epoch} acted through two workers`);
      ownerOf.set(epoch, workerId);
    }
    assert.deepEqual(this.overlaps, [], 'never two leaders');
    return entries.length;
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((gc) => gc.stop()));
  }
}

for (const target of [memoryTarget(), redisTarget()]) {
  describe(`attacks on the election [${target.name}]`, () => {
    let running: Election[] = [];
    before(() => target.setup());
    after(() => target.teardown());
    afterEach(async () => {
      await Promise.all(running.map((e) => e.stop()));
      running = [];
    });
    const election = (): Election => {
      const e = new Election(uniqueSwarm('ns'), target.store());
      running.push(e);
      return e;
    };

    test('a forged lease record keeps nobody from leading: not believed, counted, and taken over after one lease', { timeout: 30_000 }, async (t) => {
      const e = election();
      const { namespace } = e;
      await target.raw().writeHash(globalKeys.leader(namespace), forgedRecord(namespace, 'mallory', 999)); // no expiry
      const workers = [e.add(), e.add(), e.add()];
      const began = performance.now();
      const led = firstToLead(workers);
      await Promise.all(workers.map((gc) => gc.start()));
      const leader = await led;
      const tookMs = performance.now() - began;
      t.diagnostic(`a genuine worker led ${tookMs.toFixed(0)} ms after the workers started (lease ${LEASE_MS} ms)`);
      assert.ok(tookMs >= LEASE_MS - 20, `it waited a lease first, for a leader it cannot see to have stepped down (${tookMs.toFixed(0)} ms)`);
      assert.ok(tookMs < 2 * LEASE_MS + 500, `within about a lease (${tookMs.toFixed(0)} ms)`);
      assert.deepEqual(e.leaders(), [leader]);
      assert.equal(leader.getEpoch(), 1, 'the forged epoch 999 is not followed');
      for (const gc of workers) assert.equal(gc.getMetrics().forgedLeases, 1, `${gc.workerId} counted the forgery once`);
      assert.ok(e.logs.records.some((r) => r.level === 'warn' && r.msg === 'forged lease record: not believed' && r.fields.reason === 'bad_signature'));
      assert.equal((await target.raw().hgetall(globalKeys.leader(namespace))).workerId, leader.workerId, 'the record in the store is the leader\'s own');
      assert.equal(await workers[2]!.getLeader(), leader.workerId);
      await until('the leader acted', async () => (await target.raw().streamBodies(e.actions)).length > 0);
      await e.assertActionsConsistent(target.raw());
    });

    test('every kind of forged record is taken over: no seal, another secret\'s, a string, a copy of an ended term\'s, one nobody renews', { timeout: 30_000 }, async () => {
      const cases: { name: string; forge(ns: string, raw: RawAccess): Promise<void>; reason: string }[] = [
        { name: 'no seal', reason: 'unsigned', forge: (ns, raw) => raw.writeHash(globalKeys.leader(ns), { ...forgedRecord(ns, 'mallory', 7), seal: '' }) },
        { name: "another secret's seal", reason: 'bad_signature', forge: (ns, raw) => raw.writeHash(globalKeys.leader(ns), forgedRecord(ns, 'mallory', 7, OTHER_SECRET)) },
        { name: 'a string', reason: 'malformed', forge: (ns, raw) => raw.set(globalKeys.leader(ns), 'mallory leads') },
        {
          name: "a copy of an ended term's record",
          reason: 'superseded',
          async forge(ns, raw) {
            // Genuinely sealed (with the secret), but of term 1 while the counter says 2 terms began.
            await raw.set(globalKeys.epoch(ns), '2');
            await raw.writeHash(globalKeys.leader(ns), forgedRecord(ns, 'old-leader', 1, SECRET));
          },
        },
        {
          name: 'a genuine record nobody renews (its expiry lifted)',
          reason: 'stalled',
          async forge(ns, raw) {
            await raw.set(globalKeys.epoch(ns), '3');
            await raw.writeHash(globalKeys.leader(ns), forgedRecord(ns, 'crashed-leader', 3, SECRET));
          },
        },
      ];
      for (const { name, forge, reason } of cases) {
        const e = election();
        await forge(e.namespace, target.raw());
        const gc = e.add();
        const led = firstToLead([gc]);
        await gc.start();
        const leader = await led;
        assert.equal(leader, gc, name);
        assert.equal(gc.getMetrics().forgedLeases, 1, `${name}: counted once`);
        assert.ok(e.logs.records.some((r) => r.msg === 'forged lease record: not believed' && r.fields.reason === reason), `${name}: logged as ${reason}`);
        await e.stop();
      }
    });

    test('a leader whose record is overwritten steps down; after one lease a worker leads under the next epoch, never two at once', { timeout: 30_000 }, async (t) => {
      const e = election();
      const workers = [e.add(), e.add(), e.add()];
      const led = firstToLead(workers);
      await Promise.all(workers.map((gc) => gc.start()));
      const first = await led;
      await until('the first leader acted', async () => (await target.raw().streamBodies(e.actions)).length > 0);
      const next = firstToLead(workers, 1);
      const overwrittenAt = performance.now();
      await target.raw().writeHash(globalKeys.leader(e.namespace), forgedRecord(e.namespace, 'mallory', 999), 60_000);
      const successor = await next;
      const tookMs = performance.now() - overwrittenAt;
      t.diagnostic(`${first.workerId} overwritten; ${successor.workerId} led ${tookMs.toFixed(0)} ms later`);
      assert.ok(tookMs < 3 * LEASE_MS + 500, `a worker leads again within about two leases (${tookMs.toFixed(0)} ms)`);
      assert.equal(successor.getEpoch(), 2, 'the next epoch, not the forged one');
      assert.ok(first.getMetrics().renewFailures >= 1, 'the leader found its record was not its own');
      await until('the successor acted', async () => (await target.raw().streamBodies(e.actions)).some((b) => (JSON.parse(b) as { epoch: number }).epoch === 2));
      const actions = await e.assertActionsConsistent(target.raw());
      assert.ok(actions >= 2);
    });

    test('forged leadership events at a high rate: none is believed, each is counted, nobody steps down', { timeout: 30_000 }, async (t) => {
      const e = election();
      // A term that ended, whose genuine `acquired` event the attacker copies.
      const earlier = e.add();
      await earlier.start();
      await earlier.stop();
      const workers = [e.add({ leaseTimeoutMs: 1_000 }), e.add({ leaseTimeoutMs: 1_000 }), e.add({ leaseTimeoutMs: 1_000 })];
      const led = firstToLead(workers);
      await Promise.all(workers.map((gc) => gc.start()));
      const leader = await led;
      const follower = workers.find((gc) => gc !== leader)!;
      const epoch = leader.getEpoch();
      const changes: LeaderChangedEvent[] = [];
      for (const gc of workers) gc.on('leader:changed', (event) => changes.push(event));

      const ns = e.namespace;
      const otherSeal = new Keyring(Buffer.from(OTHER_SECRET)).sign(leaseEventSigningString(ns, 'acquired', follower.workerId, epoch + 1));
      const forged = [
        JSON.stringify({ event: 'acquired', workerId: 'mallory', epoch: epoch + 1 }), // unsigned
        JSON.stringify({ event: 'acquired', workerId: follower.workerId, epoch: epoch + 1, seal: NO_SEAL }), // for a worker that does not hold the lease
        JSON.stringify({ event: 'acquired', workerId: follower.workerId, epoch: epoch + 1, seal: otherSeal }), // another secret's seal
        JSON.stringify({ event: 'released', workerId: leader.workerId, epoch, seal: NO_SEAL }),
        'not json',
      ];
      const replayed = JSON.stringify({ event: 'acquired', workerId: earlier.workerId, epoch: epoch - 1, seal: new Keyring(Buffer.from(SECRET)).sign(leaseEventSigningString(ns, 'acquired', earlier.workerId, epoch - 1)) });
      const rounds = 200;
      const bodies = Array.from({ length: rounds }, () => [...forged, replayed]).flat();
      const began = performance.now();
      for (let i = 0; i < bodies.length; i += 100) await target.raw().xadd(globalKeys.events(ns), bodies.slice(i, i + 100));
      const writtenMs = performance.now() - began;
      const unsealed = rounds * forged.length;
      await until('every worker read every forged event', async () => workers.every((gc) => gc.getMetrics().forgedEvents >= (gc === leader ? unsealed + rounds : unsealed)));
      t.diagnostic(`${bodies.length} forged events written in ${writtenMs.toFixed(0)} ms (${((bodies.length / writtenMs) * 1000).toFixed(0)}/s), all read within ${(performance.now() - began).toFixed(0)} ms`);
      assert.deepEqual(changes, [], 'no leader:changed: nobody stepped down, no follower believed another leader');
      assert.ok(leader.isLeader());
      assert.equal(leader.getMetrics().renewFailures, 0);
      assert.deepEqual(workers.map((gc) => gc.getEpoch()), [epoch, epoch, epoch]);
      // The leader counts the copy of an old term's genuine event as well; followers see an older term and let it be.
      assert.equal(leader.getMetrics().forgedEvents, unsealed + rounds);
      for (const gc of workers.filter((w) => w !== leader)) assert.equal(gc.getMetrics().forgedEvents, unsealed);
      const warnings = e.logs.records.filter((r) => r.msg === 'forged leadership event: ignored');
      assert.ok(warnings.length <= workers.length * 2, `logged at most every 10 s per worker, not ${bodies.length} times (${warnings.length} lines)`);
      await e.assertActionsConsistent(target.raw());
    });

    test("a deleted fence lets no stale epoch's write through in the namespace's slot; in another slot the local check remains", { timeout: 30_000 }, async () => {
      const e = election();
      const ns = e.namespace;
      const swarm = `${ns}-swarm`;
      const swarmKey = `test:{${swarm}}:x`;
      const a = e.add();
      await a.start();
      assert.equal(await a.fenced(1, [{ op: 'set', key: swarmKey, value: 'a' }], { tag: swarm }), true);
      const oldRecord = await target.raw().hgetall(globalKeys.leader(ns));
      const b = e.add();
      const bLeads = firstToLead([b]);
      await b.start();
      await a.stop();
      await bLeads;
      assert.equal(await b.fenced(2, [{ op: 'xadd', key: e.actions, body: '{"workerId":"b","epoch":2}' }]), true);
      assert.equal(await b.fenced(2, [{ op: 'set', key: swarmKey, value: 'b' }], { tag: swarm }), true);

      // The namespace's own slot: the fence deleted and term 1's record written back; the counter still says 2.
      await target.raw().del(globalKeys.fence(ns, ns));
      await target.raw().writeHash(globalKeys.leader(ns), oldRecord);
      const stale = await target.store().fencedWrite(ns, ns, 1, [{ op: 'xadd', key: e.actions, body: '{"workerId":"stale","epoch":1}' }]);
      assert.deepEqual(stale, { applied: false, currentEpoch: 2, refusedBy: 'term' }, 'the counter refuses the old term');
      assert.ok(!(await target.raw().streamBodies(e.actions)).some((body) => body.includes('stale')));

      // Another slot: the deposed worker's own check still refuses its old term, without a store call.
      await target.raw().del(globalKeys.fence(swarm, ns));
      const rejections = a.getMetrics().fencedRejections;
      assert.equal(await a.fenced(1, [{ op: 'set', key: swarmKey, value: 'stale' }], { tag: swarm }), false);
      assert.equal(a.getMetrics().fencedRejections, rejections + 1);
      assert.equal(await target.raw().get(swarmKey), 'b');
      // What remains (docs/security.md): there the fence was all that stood in the way of a write already sent by a paused leader.
      const inFlight = await target.store().fencedWrite(ns, swarm, 1, [{ op: 'set', key: swarmKey, value: 'in flight' }]);
      assert.equal(inFlight.applied, true, 'in another slot a deleted fence lets a late write of an old term land');
    });

    test('a raised fence: detected, counted, the leader leads again above it; an impossible one is replaced; leadership stays with one worker', { timeout: 30_000 }, async (t) => {
      const e = election();
      const swarm = `${e.namespace}-swarm`;
      const swarmKey = `test:{${swarm}}:x`;
      const fence = globalKeys.fence(swarm, e.namespace);
      const [leader, follower] = [e.add(), e.add()];
      await leader.start();
      await follower.start();
      assert.deepEqual(e.leaders(), [leader]);
      assert.equal(await leader.fenced(1, [{ op: 'set', key: swarmKey, value: 'one' }], { tag: swarm }), true);

      await target.raw().set(fence, '1000'); // above the term, but some term could have written it
      const relead = nextLeader(leader, (event) => event.newLeader === leader.workerId && event.epoch > 1000);
      const detectedAt = performance.now();
      assert.equal(await leader.fenced(1, [{ op: 'set', key: swarmKey, value: 'refused' }], { tag: swarm }), false);
      const { epoch } = await relead;
      t.diagnostic(`leading again above the fence took ${(performance.now() - detectedAt).toFixed(1)} ms`);
      assert.equal(epoch, 1001);
      assert.equal(await leader.fenced(epoch, [{ op: 'set', key: swarmKey, value: 'two' }], { tag: swarm }), true);
      assert.equal(leader.getMetrics().fenceConflicts, 1);
      assert.ok(e.logs.records.some((r) => r.msg === 'fence above this term: leading again above it' && r.fields.fence === 1000));
      await until('the follower saw the new term', async () => follower.getEpoch() === 1001);
      assert.deepEqual(e.leaders(), [leader]);

      // Further above than any term can be: replaced, no new term.
      const changes: LeaderChangedEvent[] = [];
      leader.on('leader:changed', (event) => changes.push(event));
      await target.raw().set(fence, String(epoch + 2 ** 40));
      assert.equal(await leader.fenced(epoch, [{ op: 'set', key: swarmKey, value: 'three' }], { tag: swarm }), true);
      assert.equal(await target.raw().get(fence), String(epoch));
      assert.equal(leader.getMetrics().fenceConflicts, 2);
      // Not an epoch at all: counts as no fence.
      await target.raw().set(fence, 'garbage');
      assert.equal(await leader.fenced(epoch, [{ op: 'set', key: swarmKey, value: 'four' }], { tag: swarm }), true);
      assert.deepEqual(changes, []);
      assert.equal(leader.getEpoch(), 1001);
      assert.equal(await target.raw().get(swarmKey), 'four');
      await e.assertActionsConsistent(target.raw());
    });

    test('a leader cut off with its record\'s expiry lifted is replaced once its record has stalled for a lease', { timeout: 30_000 }, async () => {
      const e = election();
      const cut = severable(target.store());
      const crashed = e.add({ store: cut.store });
      await crashed.start();
      const record = await target.raw().hgetall(globalKeys.leader(e.namespace));
      const successor = e.add();
      await successor.start();
      const led = firstToLead([successor]);
      cut.sever(); // it can no longer renew nor release
      await target.raw().writeHash(globalKeys.leader(e.namespace), record); // the same record, without expiry
      await led;
      assert.equal(successor.getEpoch(), 2);
      assert.equal(successor.getMetrics().forgedLeases, 1);
      assert.ok(e.logs.records.some((r) => r.msg === 'forged lease record: not believed' && r.fields.reason === 'stalled'));
    });
  });
}

describe('a lost epoch counter with fences surviving in other slots [cluster]', () => {
  let cluster: RedisCluster;
  let store: Store;
  let raw: Cluster;
  before(async () => {
    cluster = await startRedisCluster(3);
    store = await createStore({ cluster: cluster.nodes, logger: recordingLogger() });
    raw = new Cluster(cluster.nodes);
  });
  after(async () => {
    raw.disconnect();
    await store.close();
    await cluster.stop();
  });

  /** A hash tag whose slot another master serves than the namespace's. */
  async function tagOnAnotherNode(namespace: string): Promise<string> {
    const third = 16_384 / 3;
    const nodeOf = async (key: string) => Math.floor(Number(await raw.cluster('KEYSLOT', key)) / third);
    const home = await nodeOf(globalKeys.epoch(namespace));
    for (let i = 0; ; i++) if ((await nodeOf(`{${namespace}-swarm-${i}}`)) !== home) return `${namespace}-swarm-${i}`;
  }

  test('the new leader, refused by a surviving fence, leads again above it and writes there', { timeout: 30_000 }, async (t) => {
    const e = new Election('p1-heal', store);
    const swarm = await tagOnAnotherNode(e.namespace);
    const swarmKey = `test:{${swarm}}:x`;
    try {
      const first = e.add();
      for (let term = 0; term < 3; term++) {
        await first.start();
        await first.stop();
      }
      await first.start();
      assert.equal(first.getEpoch(), 4);
      assert.equal(await first.fenced(4, [{ op: 'set', key: swarmKey, value: 'epoch 4' }], { tag: swarm }), true);
      await first.stop();
      // The namespace's slot lost (its node failed over empty): the counter, and with it the lease and
      // the events that told of epoch 4 (a worker that read them, or found the lease still held,
      // would rightly start above 4, and the fence below would refuse nothing). The fence lives on in its own slot.
      await raw.del(globalKeys.epoch(e.namespace), globalKeys.leader(e.namespace), globalKeys.events(e.namespace));

      const fresh = e.add(); // it never saw epoch 4
      const other = e.add();
      const led = firstToLead([fresh, other]);
      await Promise.all([fresh.start(), other.start()]);
      const leader = await led;
      assert.equal(leader.getEpoch(), 1);
      const healed = nextLeader(leader, (event) => event.newLeader === leader.workerId && event.epoch > 4);
      const refusedAt = performance.now();
      assert.equal(await leader.fenced(1, [{ op: 'set', key: swarmKey, value: 'epoch 1' }], { tag: swarm }), false, 'the surviving fence refuses the new term');
      const { epoch } = await healed;
      t.diagnostic(`healed in ${(performance.now() - refusedAt).toFixed(1)} ms: epoch 1 -> ${epoch}`);
      assert.equal(epoch, 5, 'above the fence it found');
      assert.equal(await leader.fenced(epoch, [{ op: 'set', key: swarmKey, value: 'epoch 5' }], { tag: swarm }), true);
      assert.equal(await raw.get(swarmKey), 'epoch 5');
      assert.equal(leader.getMetrics().fenceConflicts, 1);
      await until('the other worker follows the new term', async () => (leader === fresh ? other : fresh).getEpoch() === 5);
      assert.deepEqual(e.leaders(), [leader]);
      assert.deepEqual(e.overlaps, []);
    } finally {
      await e.stop();
    }
  });

  test("the supervisor's warnings, refused by a fence that survived, make its election lead again above it", { timeout: 30_000 }, async () => {
    const namespace = 'p1-supervisor';
    const swarm = await tagOnAnotherNode(namespace);
    await raw.set(globalKeys.fence(swarm, namespace), '9'); // left by terms up to 9, before the counter was lost
    const old = (await store.time()) - 60_000;
    await store.register({ swarmId: swarm, coordinatorId: 'silent', body: '{}', timestamp: old, ttlMs: 50, registryTtlMs: 600_000 });
    const handler = new CoordinatorTimeoutHandler({
      store,
      namespace,
      deadThresholdMs: 1_000,
      checkIntervalMs: 20,
      election: { secret: SECRET, ...TIMINGS },
      logger: recordingLogger(),
      env: {},
    });
    const warned = new Promise<number>((resolve) => handler.on('coordinator:warning', (event) => event.coordinatorId === 'silent' && resolve(event.count)));
    await handler.start();
    try {
      assert.equal(await warned, 1, 'warned once its election leads above the fence');
      const gc = getGlobalCoordinator({ store, namespace });
      assert.equal(gc.getEpoch(), 10);
      assert.equal(gc.getMetrics().fenceConflicts, 1);
      assert.equal(await raw.get(globalKeys.fence(swarm, namespace)), '10');
    } finally {
      await handler.stop();
    }
  });
});
