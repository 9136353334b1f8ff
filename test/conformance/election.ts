import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, afterEach, before, describe, test } from 'node:test';
import { setImmediate } from 'node:timers/promises';
import { InvalidConfigError, StoreUnavailableError } from '../../src/protocol/errors.js';
import { globalKeys } from '../../src/protocol/keys.js';
import type { Store } from '../../src/store/port.js';
import { getGlobalCoordinator } from '../../src/supervision/global-coordinator-registry.js';
import { GlobalCoordinator } from '../../src/supervision/global-coordinator.js';
import type { LeaderChangedEvent } from '../../src/supervision/election/types.js';
import { SECRET, uniqueSwarm } from '../support/coordinators.js';
import { recordingLogger } from '../support/recording-logger.js';
import { spyStore } from '../support/spy-store.js';
import type { Harness } from './harness.js';
import { nextLeader } from '../support/leader-events.js';

const FAST = { leaseTimeoutMs: 600, heartbeatIntervalMs: 100, workerTimeoutMs: 1_000 };

/** A store that can be made unreachable, as a crashed or cut-off worker sees it. */
function severable(store: Store): { store: Store; sever(): void } {
  let down = false;
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || property === 'onConnectionChange') return value;
      return (...args: unknown[]) => {
        if (down) return Promise.reject(new StoreUnavailableError(String(property), new Error('severed')));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: proxy, sever: () => (down = true) };
}

/** Issue 3 guarantees that hold on every store: one leader, terms, fencing, failover, plugins, namespaces. */
export function electionBehaviour(h: Harness): void {
  describe(`leader election [${h.name}]`, () => {
    const running: GlobalCoordinator[] = [];
    let ns: string;
    before(() => h.setup());
    after(() => h.teardown());
    afterEach(async () => {
      await Promise.all(running.map((gc) => gc.stop().catch(() => undefined)));
      running.length = 0;
    });
    const worker = (options: Partial<typeof FAST> & { store?: Store; namespace?: string; diagnosticsEnabled?: boolean; logger?: ReturnType<typeof recordingLogger> } = {}) => {
      const gc = new GlobalCoordinator({ ...FAST, secret: SECRET, logger: recordingLogger(), ...options, store: options.store ?? h.store(), namespace: options.namespace ?? ns });
      running.push(gc);
      return gc;
    };
    const fresh = () => (ns = uniqueSwarm('ns'));

    test('a lone worker leads with epoch 1 and logs the change in the guide form', async () => {
      fresh();
      const logger = recordingLogger();
      const gc = worker({ diagnosticsEnabled: true, logger });
      const changed = once(gc, 'leader:changed');
      await gc.start();
      const [event] = (await changed) as [LeaderChangedEvent];
      assert.deepEqual([event.namespace, event.previousLeader, event.newLeader, event.epoch], [ns, null, gc.workerId, 1]);
      assert.ok(gc.isRunning && gc.isLeader());
      assert.equal(gc.getEpoch(), 1);
      assert.equal(await gc.getLeader(), gc.workerId);
      const messages = logger.records.map((r) => r.msg);
      assert.ok(messages.includes(`[coordinator:global] [${ns}] Leader changed: none → ${gc.workerId} (epoch: 1)`), messages.join('\n'));
      assert.ok(messages.includes(`[coordinator:global] [${ns}] Service started`));
    });

    test('among three workers exactly one leads, all agree on it, and renewals keep the epoch', async () => {
      fresh();
      const workers = [worker(), worker(), worker()];
      await Promise.all(workers.map((gc) => gc.start()));
      const leaders = workers.filter((gc) => gc.isLeader());
      assert.equal(leaders.length, 1);
      const leader = leaders[0]!;
      for (let i = 0; i < 3; i++) await once(leader, 'lease:renewed');
      assert.equal(workers.filter((gc) => gc.isLeader()).length, 1);
      assert.deepEqual(workers.map((gc) => gc.getEpoch()), [1, 1, 1], 'renewals never raise the epoch');
      const active = await leader.getActiveWorkers();
      assert.deepEqual(active.map((w) => w.workerId).sort(), workers.map((gc) => gc.workerId).sort());
      assert.deepEqual(active.filter((w) => w.isLeader).map((w) => w.workerId), [leader.workerId]);
      const metrics = leader.getMetrics();
      assert.ok(metrics.heartbeatCount >= 1 && metrics.electionCount >= 1 && metrics.workerRegistrations === 1);
      assert.equal(metrics.renewFailures, 0);
    });

    test('a graceful stop releases the lease: another worker leads within 200 ms with the next epoch', async () => {
      fresh();
      const [a, b, c] = [worker(), worker(), worker()];
      await a.start();
      await Promise.all([b.start(), c.start()]);
      assert.ok(a.isLeader());
      const taken = Promise.race([nextLeader(b, (e) => e.newLeader !== null && e.newLeader !== a.workerId), nextLeader(c, (e) => e.newLeader !== null && e.newLeader !== a.workerId)]);
      const stopped = performance.now();
      await a.stop();
      const event = await taken;
      const elapsed = performance.now() - stopped;
      assert.ok(elapsed < 200, `new leader after ${elapsed.toFixed(1)} ms`);
      assert.equal(event.epoch, 2);
      // The other follower may hear of it before the winner's own reply is processed.
      const winner = [b, c].find((gc) => gc.workerId === event.newLeader)!;
      if (!winner.isLeader()) await nextLeader(winner, (e) => e.newLeader === winner.workerId);
      assert.equal([b, c].filter((gc) => gc.isLeader()).length, 1);
    });

    test('a leader cut off from the store steps down at once and another takes over after the lease', async () => {
      fresh();
      const cut = severable(h.store());
      const a = worker({ store: cut.store });
      const b = worker();
      await a.start();
      await b.start();
      assert.ok(a.isLeader());
      const steppedDown = nextLeader(a, (e) => e.previousLeader === a.workerId);
      const replaced = nextLeader(b, (e) => e.newLeader === b.workerId);
      const severedAt = performance.now();
      cut.sever();
      await steppedDown;
      assert.ok(!a.isLeader());
      assert.ok(performance.now() - severedAt <= FAST.leaseTimeoutMs, 'stepped down within its lease');
      const event = await replaced;
      const elapsed = performance.now() - severedAt;
      assert.ok(elapsed <= FAST.leaseTimeoutMs + FAST.heartbeatIntervalMs + 100, `replaced after ${elapsed.toFixed(0)} ms`);
      assert.equal(event.epoch, 2);
      assert.ok(a.getMetrics().renewFailures >= 1);
    });

    test('fenced writes: the current term writes; a stale epoch is rejected and counted, in its slot and in another', async () => {
      fresh();
      const a = worker();
      await a.start();
      const log = globalKeys.events(ns).replace(':events', ':actions');
      assert.equal(await a.fenced(1, [{ op: 'xadd', key: log, body: '{"epoch":1}' }]), true);
      const swarmKey = `test:fenced:{${ns}-swarm}:x`;
      assert.equal(await a.fenced(1, [{ op: 'set', key: swarmKey, value: 'one' }], { tag: `${ns}-swarm` }), true);
      const b = worker();
      const taken = nextLeader(b, (e) => e.newLeader === b.workerId);
      await b.start();
      await a.stop();
      await taken;
      assert.equal(await b.fenced(2, [{ op: 'set', key: swarmKey, value: 'two' }], { tag: `${ns}-swarm` }), true);
      const stale = worker();
      assert.equal(await stale.fenced(1, [{ op: 'xadd', key: log, body: '{"epoch":1}' }]), false, 'not the current term');
      assert.equal(await stale.fenced(1, [{ op: 'set', key: swarmKey, value: 'stale' }], { tag: `${ns}-swarm` }), false, 'a newer term wrote there');
      assert.equal(stale.getMetrics().fencedRejections, 2);
      // The store checks the term itself, whatever a caller believes.
      assert.equal((await h.store().fencedWrite(ns, ns, 1, [{ op: 'xadd', key: log, body: '{}' }])).applied, false, 'an old term, in the store');
      assert.equal((await h.store().fencedWrite(ns, `${ns}-swarm`, 1, [{ op: 'set', key: swarmKey, value: 'x' }])).applied, false, 'a newer term wrote there');
      assert.equal((await h.store().fencedWrite(ns, `${ns}-fresh`, 0, [{ op: 'set', key: `t:{${ns}-fresh}:x`, value: 'x' }])).applied, false, 'epoch 0 never writes');
      assert.equal(await b.fenced(1, [{ op: 'set', key: swarmKey, value: 'old' }], { tag: `${ns}-swarm` }), false, 'not its own term');
      await assert.rejects(a.fenced(2, [{ op: 'set', key: 'no-tag', value: 'x' }]), InvalidConfigError);
    });

    test('a plugin subscribing late on the leader is promoted at once; unsubscribing stops its work', async () => {
      fresh();
      const gc = worker();
      await gc.start();
      const calls: boolean[] = [];
      let runs = 0;
      let ran!: () => void;
      const ranTwice = new Promise<void>((resolve) => (ran = resolve));
      let workSignal: AbortSignal | undefined;
      await gc.subscribePlugin('cleanup', {
        onGlobalLeaderChange: (isLeader) => void calls.push(isLeader),
        leaderWork: {
          intervalMs: 10,
          run: ({ epoch, signal }) => {
            assert.equal(epoch, 1);
            workSignal = signal;
            if (++runs === 2) ran();
          },
        },
      });
      await ranTwice;
      assert.deepEqual(calls, [true]);
      assert.deepEqual([...gc.subscribedPlugins.keys()], ['cleanup']);
      await gc.unsubscribePlugin('cleanup');
      assert.equal(workSignal?.aborted, true, 'its work was stopped');
      assert.equal(gc.subscribedPlugins.size, 0);
    });

    test('unsubscribePlugin and stop() settle only when the run in progress has finished', async () => {
      fresh();
      const spied = spyStore(h.store());
      const gc = worker({ store: spied.store });
      await gc.start();
      const finished: string[] = [];
      const started = new Map<string, () => void>();
      const release = new Map<string, () => void>();
      const slowRun = (name: string) => ({
        intervalMs: 10,
        run: () =>
          new Promise<void>((resolve) => {
            release.set(name, () => {
              finished.push(name);
              spied.calls.push(`${name} finished`);
              resolve();
            });
            started.get(name)?.();
          }),
      });
      const running = (name: string) => new Promise<void>((resolve) => started.set(name, resolve));
      const aRunning = running('a');
      const bRunning = running('b');
      await gc.subscribePlugin('a', { leaderWork: slowRun('a') });
      await gc.subscribePlugin('b', { leaderWork: slowRun('b') });
      await Promise.all([aRunning, bRunning]);

      let unsubscribed = false;
      const unsubscribing = gc.unsubscribePlugin('a').then(() => (unsubscribed = true));
      await setImmediate();
      assert.equal(unsubscribed, false, 'it waits for the run of a');
      release.get('a')!();
      await unsubscribing;
      assert.deepEqual(finished, ['a']);

      let stopped = false;
      const stopping = gc.stop().then(() => (stopped = true));
      await setImmediate();
      assert.equal(stopped, false, 'stop waits for the run of b');
      release.get('b')!();
      await stopping;
      assert.deepEqual(finished, ['a', 'b']);
      const order = spied.calls.filter((call) => call === 'b finished' || call === 'releaseLease');
      assert.deepEqual(order, ['b finished', 'releaseLease'], 'the lease is handed over once the run has finished');
    });

    test('a plugin subscribed again, twice in a row, never runs beside the run it replaces', async () => {
      fresh();
      const gc = worker();
      await gc.start();
      const ran: string[] = [];
      let active = 0;
      let mostActive = 0;
      let releaseFirst!: () => void;
      let firstRunning!: () => void;
      const firstIsRunning = new Promise<void>((resolve) => (firstRunning = resolve));
      let lastRan!: () => void;
      const lastHasRun = new Promise<void>((resolve) => (lastRan = resolve));
      const version = (name: string, held: boolean) => ({
        leaderWork: {
          intervalMs: 10,
          run: async () => {
            active += 1;
            mostActive = Math.max(mostActive, active);
            ran.push(name);
            if (held) {
              firstRunning();
              await new Promise<void>((resolve) => (releaseFirst = resolve));
            }
            active -= 1;
            if (name === 'v3') lastRan();
          },
        },
      });
      await gc.subscribePlugin('job', version('v1', true));
      await firstIsRunning;
      await gc.subscribePlugin('job', version('v2', false));
      await gc.subscribePlugin('job', version('v3', false));
      await setImmediate();
      assert.deepEqual(ran, ['v1'], 'nothing starts while the first run lasts');
      releaseFirst();
      await lastHasRun;
      await gc.unsubscribePlugin('job');
      assert.equal(mostActive, 1, 'one run at a time');
      assert.equal(ran[0], 'v1');
      assert.ok(!ran.includes('v2'), 'the plugin replaced before it could run never ran');
    });

    test('a plugin unsubscribed and subscribed again at once starts after the run it had', async () => {
      fresh();
      const gc = worker();
      await gc.start();
      const ran: string[] = [];
      let releaseA!: () => void;
      let aRunning!: () => void;
      const aIsRunning = new Promise<void>((resolve) => (aRunning = resolve));
      let bRan!: () => void;
      const bHasRun = new Promise<void>((resolve) => (bRan = resolve));
      await gc.subscribePlugin('job', {
        leaderWork: {
          intervalMs: 10,
          run: async () => {
            ran.push('A');
            aRunning();
            await new Promise<void>((resolve) => (releaseA = resolve));
            ran.push('A ended');
          },
        },
      });
      await aIsRunning;
      const unsubscribed = gc.unsubscribePlugin('job');
      await gc.subscribePlugin('job', { leaderWork: { intervalMs: 10, run: () => void (ran.push('B'), bRan()) } });
      await setImmediate();
      assert.deepEqual(ran, ['A'], 'B waits for the run of A');
      releaseA();
      await Promise.all([unsubscribed, bHasRun]);
      assert.deepEqual(ran.slice(0, 3), ['A', 'A ended', 'B']);
      await gc.unsubscribePlugin('job');
    });

    test('a run that ignores its signal holds stop() one lease at most', async () => {
      fresh();
      const gc = worker();
      await gc.start();
      let running!: () => void;
      const isRunning = new Promise<void>((resolve) => (running = resolve));
      await gc.subscribePlugin('stuck', { leaderWork: { intervalMs: 10, run: () => new Promise<void>(() => running()) } });
      await isRunning;
      const begun = performance.now();
      await gc.stop();
      const tookMs = performance.now() - begun;
      assert.ok(tookMs >= gc.config.leaseTimeoutMs - 5 && tookMs < gc.config.leaseTimeoutMs + 1_000, `stop took ${tookMs} ms`);
      assert.equal(gc.isRunning, false);
    });

    test('namespaces never interfere', async () => {
      fresh();
      const other = uniqueSwarm('ns');
      const a = worker();
      const b = worker({ namespace: other });
      await Promise.all([a.start(), b.start()]);
      assert.ok(a.isLeader() && b.isLeader(), 'each leads its own namespace');
      assert.deepEqual([a.getEpoch(), b.getEpoch()], [1, 1]);
      await a.stop();
      assert.ok(b.isLeader());
      assert.equal(await b.getLeader(), b.workerId);
    });

    test('getGlobalCoordinator returns one instance per store and namespace, and refuses another config', () => {
      fresh();
      const first = getGlobalCoordinator({ store: h.store(), namespace: ns, secret: SECRET, ...FAST });
      assert.equal(getGlobalCoordinator({ store: h.store(), namespace: ns, ...FAST }), first);
      assert.equal(getGlobalCoordinator({ store: h.store(), namespace: ns }), first, 'no election option: the existing instance');
      assert.throws(() => getGlobalCoordinator({ store: h.store(), namespace: ns, ...FAST, leaseTimeoutMs: 900 }), InvalidConfigError);
      assert.throws(() => getGlobalCoordinator({ store: h.store(), namespace: ns, diagnosticsEnabled: false }), InvalidConfigError, 'the defaults for the rest');
      assert.notEqual(getGlobalCoordinator({ store: h.store(), namespace: `${ns}-b`, secret: SECRET, ...FAST }), first);
    });
  });
}
