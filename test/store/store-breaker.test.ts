/**
 * The store's circuit breaker as a state machine, against fake operations: what opens it, what it
 * does while open, its probes (half-open), how it closes, reset(), its listeners and its options.
 * Timings are compressed to tens of ms; every step waits for the breaker's own events.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidConfigError, StoreCircuitOpenError, StoreClosedError, StoreCommandError, StoreUnavailableError } from '../../src/protocol/errors.js';
import { breakerDefaults, resolveBreakerOptions, type BreakerOptions } from '../../src/store/breaker-options.js';
import { createStore } from '../../src/store/create-store.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { StoreBreaker, type BreakerState, type BreakerStateChange } from '../../src/store/store-breaker.js';
import { recordingLogger } from '../support/recording-logger.js';

const HALF_OPEN_MS = 30;
const MAX_HALF_OPEN_MS = 120;
const THRESHOLD = 3;

const unreachable = () => new StoreUnavailableError('appendSignal', new Error('connect ECONNREFUSED 127.0.0.1:1'));

/** A breaker on fake operations, with a probe the test answers, fails or holds. */
function fakeStore(options: { config?: false } = {}) {
  const logger = recordingLogger();
  const controller = new AbortController();
  const probe = {
    calls: 0,
    outcome: 'fail' as 'answer' | 'fail' | 'hold',
    release: () => undefined as void,
  };
  const breaker = new StoreBreaker({
    config: options.config ?? { threshold: THRESHOLD, halfOpenAfterMs: HALF_OPEN_MS, maxHalfOpenAfterMs: MAX_HALF_OPEN_MS },
    logger,
    closed: controller.signal,
    probe: async () => {
      probe.calls += 1;
      if (probe.outcome === 'hold') await new Promise<void>((resolve) => (probe.release = resolve));
      if (probe.outcome === 'fail') throw unreachable();
      return 'PONG';
    },
  });
  const changes: BreakerStateChange[] = [];
  breaker.onStateChange((change) => changes.push(change));
  /** The operation behind every call: counts its calls, fails or answers as told. */
  const operation = { calls: 0, fails: true as boolean | Error };
  const run = () =>
    breaker.run('appendSignal', async () => {
      operation.calls += 1;
      if (operation.fails === true) throw unreachable();
      if (operation.fails instanceof Error) throw operation.fails;
      return 'ok';
    });
  return { breaker, logger, probe, operation, run, changes, close: () => controller.abort() };
}

/**
 * Resolves with the breaker's next change to `state`; fails after 5 s. Its timer also keeps the
 * process alive meanwhile: the breaker's own probe timer does not (it is unref'd, as it should be).
 */
function next(breaker: StoreBreaker, state: BreakerState): Promise<BreakerStateChange> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (stop(), reject(new Error(`no change to ${state} within 5 s`))), 5_000);
    const stop = breaker.onStateChange((change) => {
      if (change.state !== state) return;
      stop();
      clearTimeout(timer);
      resolve(change);
    });
  });
}

/** `count` failed operations, one after another. */
async function failTimes(run: () => Promise<unknown>, count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) await assert.rejects(run(), StoreUnavailableError);
}

describe('StoreBreaker', () => {
  test('opens after `threshold` unreachable-store failures in a row, not before; refusals and other errors are answers', async () => {
    const { breaker, operation, run, changes, close } = fakeStore();
    try {
      await failTimes(run, THRESHOLD - 1);
      assert.equal(breaker.state, 'closed');
      assert.equal(breaker.snapshot().consecutiveFailures, THRESHOLD - 1);

      // A refusal, a closed store, an application error: the store answered, the count starts again.
      for (const answer of [new StoreCommandError('appendSignal', new Error('WRONGTYPE')), new StoreClosedError('appendSignal'), new TypeError('a bug')]) {
        operation.fails = answer;
        await assert.rejects(run(), (error) => error === answer, 'the caller gets the error itself');
        assert.equal(breaker.snapshot().consecutiveFailures, 0, `${answer.name} reset the count`);
        operation.fails = true;
        await failTimes(run, THRESHOLD - 1);
        assert.equal(breaker.state, 'closed', `${answer.name} did not count`);
      }
      operation.fails = false;
      assert.equal(await run(), 'ok', 'a success passes its value through');
      assert.equal(breaker.snapshot().consecutiveFailures, 0);

      operation.fails = true;
      const opened = next(breaker, 'open');
      await failTimes(run, THRESHOLD);
      const change = await opened;
      assert.equal(breaker.state, 'open');
      assert.equal(change.previous, 'closed');
      assert.ok(change.cause instanceof StoreUnavailableError, 'the failure that opened it is the cause');
      assert.equal(change.nextProbeAt! - change.at, HALF_OPEN_MS, 'first probe after halfOpenAfterMs');
      assert.deepEqual(changes.map((c) => c.state), ['open']);
    } finally {
      close();
    }
  });

  test('while open, an operation fails at once with StoreCircuitOpenError and is never called', async () => {
    const { breaker, operation, run, close } = fakeStore();
    try {
      const opened = next(breaker, 'open');
      await failTimes(run, THRESHOLD);
      const { at } = await opened;
      const calls = operation.calls;
      operation.fails = false; // the store would answer: the breaker does not ask it

      const error = await run().then(
        () => assert.fail('resolved while open'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof StoreCircuitOpenError);
      assert.equal(error.code, 'RDV_ERR_CIRCUIT_OPEN');
      assert.equal(error.context.operation, 'appendSignal');
      const retryAfterMs = error.context.retryAfterMs as number;
      assert.ok(retryAfterMs >= 0 && retryAfterMs <= HALF_OPEN_MS, `retryAfterMs ${retryAfterMs}`);
      assert.match(error.message, new RegExp(`open since ${new Date(at).toISOString().slice(0, 16)}`));
      assert.match(error.message, /nothing was written/);
      assert.match(error.message, /next probe of the store is in \d+ ms|a probe of the store is under way/);
      assert.equal(operation.calls, calls, 'the operation was not called');
      const snapshot = breaker.snapshot();
      assert.equal(snapshot.state, 'open');
      assert.equal(snapshot.openSince, at);
      assert.equal(snapshot.nextProbeAt, at + HALF_OPEN_MS);
      assert.equal(snapshot.opened, 1);
      assert.equal(snapshot.lastFailure?.operation, 'appendSignal');
    } finally {
      close();
    }
  });

  test('half-open after the delay: one probe, other operations fail at once meanwhile; an answered probe closes it', async () => {
    const { breaker, probe, operation, run, changes, logger, close } = fakeStore();
    try {
      probe.outcome = 'hold';
      const halfOpen = next(breaker, 'half-open');
      await failTimes(run, THRESHOLD);
      await halfOpen;
      assert.equal(probe.calls, 1, 'one probe');
      const calls = operation.calls;
      const during = await run().catch((e: unknown) => e);
      assert.ok(during instanceof StoreCircuitOpenError, 'an operation during the probe fails at once');
      assert.equal(during.context.retryAfterMs, 0, 'retry once the probe under way is answered');
      assert.match(during.message, /a probe of the store is under way/);
      assert.equal(operation.calls, calls, 'and is not called');

      const closed = next(breaker, 'closed');
      probe.outcome = 'answer';
      probe.release();
      const change = await closed;
      assert.equal(change.previous, 'half-open');
      assert.equal(change.reset, undefined);
      assert.equal(probe.calls, 1);
      operation.fails = false;
      assert.equal(await run(), 'ok', 'operations go to the store again');
      assert.deepEqual(changes.map((c) => c.state), ['open', 'half-open', 'closed']);
      // One line per state change: a warning when it opened, information for the rest.
      const lines = logger.records.filter((r) => /circuit breaker/.test(r.msg ?? '')).map((r) => `${r.level} ${r.msg}`);
      assert.deepEqual(lines, [
        'warn store circuit breaker open: the store is unreachable; its operations fail at once until a probe is answered',
        'info store circuit breaker half-open: probing the store',
        'info store circuit breaker closed: the store answers again',
      ]);
      assert.ok(logger.records[0]!.fields.err instanceof StoreUnavailableError, 'the warning carries the cause');
    } finally {
      close();
    }
  });

  test('a call begun while closed that fails after the opening fails as itself: not counted, never held for the probe, never reopening a half-open breaker', async () => {
    const { breaker, probe, run, close } = fakeStore();
    try {
      const failLater: (() => void)[] = [];
      const begun = () => breaker.run('appendSignal', () => new Promise<never>((_, reject) => failLater.push(() => reject(unreachable()))));
      const [whileOpen, whileHalfOpen] = [begun(), begun()];
      probe.outcome = 'hold';
      const opened = next(breaker, 'open');
      await failTimes(run, THRESHOLD);
      await opened;
      const counted = breaker.snapshot().consecutiveFailures;
      failLater[0]!();
      await assert.rejects(whileOpen, StoreUnavailableError);
      assert.equal(breaker.snapshot().consecutiveFailures, counted, 'a failure begun before the opening is not counted');

      await next(breaker, 'half-open'); // the probe is under way, and held
      failLater[1]!();
      await assert.rejects(whileHalfOpen, StoreUnavailableError); // settled while the probe is held: it did not wait for it
      assert.equal(breaker.state, 'half-open', 'the old failure did not reopen it');
      const closed = next(breaker, 'closed');
      probe.outcome = 'answer';
      probe.release();
      await closed;
      assert.equal(breaker.snapshot().consecutiveFailures, 0);
      assert.equal(breaker.snapshot().opened, 1);
    } finally {
      close();
    }
  });

  test('a failed probe opens it again with the delay doubled, up to maxHalfOpenAfterMs', async () => {
    const { breaker, probe, run, changes, close } = fakeStore();
    try {
      probe.outcome = 'fail';
      const delays: number[] = [];
      breaker.onStateChange((change) => {
        if (change.state === 'open') delays.push(change.nextProbeAt! - change.at);
      });
      await failTimes(run, THRESHOLD);
      while (delays.length < 4) await next(breaker, 'open');
      assert.deepEqual(delays, [HALF_OPEN_MS, 2 * HALF_OPEN_MS, MAX_HALF_OPEN_MS, MAX_HALF_OPEN_MS]);
      assert.equal(probe.calls, 3);
      assert.deepEqual(changes.slice(0, 7).map((c) => c.state), ['open', 'half-open', 'open', 'half-open', 'open', 'half-open', 'open']);
      const snapshot = breaker.snapshot();
      assert.equal(snapshot.opened, 4);
      assert.equal(snapshot.openSince, changes[0]!.at, 'open since its first opening: failed probes do not move it');
      assert.equal(snapshot.lastFailure?.operation, 'probe');

      const closed = next(breaker, 'closed');
      probe.outcome = 'answer';
      await closed;
      // After it closed, the next opening starts from halfOpenAfterMs again.
      probe.outcome = 'hold';
      const opened = next(breaker, 'open');
      await failTimes(run, THRESHOLD);
      const change = await opened;
      assert.equal(change.nextProbeAt! - change.at, HALF_OPEN_MS);
      await next(breaker, 'half-open');
      probe.outcome = 'answer';
      probe.release();
      await next(breaker, 'closed');
    } finally {
      close();
    }
  });

  test('reset() closes it at once, restarts the count, and its listeners keep working', async () => {
    const { breaker, probe, operation, run, changes, logger, close } = fakeStore();
    try {
      probe.outcome = 'fail';
      const opened = next(breaker, 'open');
      await failTimes(run, THRESHOLD);
      await opened;
      breaker.reset();
      assert.equal(breaker.state, 'closed');
      assert.deepEqual(changes.at(-1), { state: 'closed', previous: 'open', at: changes.at(-1)!.at, reset: true });
      assert.equal(breaker.snapshot().consecutiveFailures, 0);
      assert.equal(breaker.snapshot().nextProbeAt, null);
      assert.ok(logger.records.some((r) => r.level === 'info' && r.msg === 'store circuit breaker closed: reset by hand'));
      operation.fails = false;
      assert.equal(await run(), 'ok');

      // The listeners registered before see it open again; no probe of the old breaker is left running.
      operation.fails = true;
      await failTimes(run, THRESHOLD - 1);
      assert.equal(breaker.state, 'closed', 'the count started again from 0');
      const again = next(breaker, 'open');
      await failTimes(run, 1);
      await again;
      assert.equal(breaker.snapshot().opened, 2);
      breaker.reset();
      const probes = probe.calls;
      breaker.reset(); // closed already: nothing to tell
      assert.deepEqual(changes.map((c) => c.state), ['open', 'closed', 'open', 'closed']);
      await new Promise((resolve) => setTimeout(resolve, 3 * HALF_OPEN_MS));
      assert.equal(probe.calls, probes, 'no probe after a reset');
    } finally {
      close();
    }
  });

  test('a listener that throws is logged and changes nothing; an unsubscribed one hears nothing more', async () => {
    const { breaker, probe, run, logger, close } = fakeStore();
    try {
      const heard: string[] = [];
      breaker.onStateChange(() => {
        throw new Error('listener bug');
      });
      const stop = breaker.onStateChange((change) => heard.push(change.state));
      probe.outcome = 'answer';
      const closed = next(breaker, 'closed');
      await failTimes(run, THRESHOLD);
      await closed;
      assert.deepEqual(heard, ['open', 'half-open', 'closed']);
      assert.equal(logger.records.filter((r) => r.level === 'error' && r.msg === 'a circuit breaker listener threw; ignored').length, 3);
      stop();
      const opened = next(breaker, 'open');
      probe.outcome = 'hold';
      await failTimes(run, THRESHOLD);
      await opened;
      assert.deepEqual(heard, ['open', 'half-open', 'closed']);
      breaker.reset();
    } finally {
      close();
    }
  });

  test('no probe after the store is closed', async () => {
    const { breaker, probe, run, close } = fakeStore();
    const opened = next(breaker, 'open');
    await failTimes(run, THRESHOLD);
    await opened;
    close();
    await new Promise((resolve) => setTimeout(resolve, 3 * HALF_OPEN_MS));
    assert.equal(probe.calls, 0);
    assert.equal(breaker.state, 'open');
  });

  test('a probe that ends after the store closed moves nothing and logs nothing', async () => {
    const { breaker, probe, run, changes, logger, close } = fakeStore();
    probe.outcome = 'hold';
    const halfOpen = next(breaker, 'half-open');
    await failTimes(run, THRESHOLD);
    await halfOpen;
    close();
    probe.outcome = 'answer';
    probe.release();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(changes.map((c) => c.state), ['open', 'half-open']);
    assert.equal(logger.records.filter((r) => /closed/.test(r.msg ?? '')).length, 0);
  });

  test('disabled (`false`): never opens, every operation goes through; the snapshot is plain JSON', async () => {
    const { breaker, operation, run, changes } = fakeStore({ config: false });
    await failTimes(run, 4 * THRESHOLD);
    assert.equal(operation.calls, 4 * THRESHOLD);
    assert.equal(breaker.state, 'closed');
    assert.deepEqual(changes, []);
    breaker.reset();
    const snapshot = breaker.snapshot();
    assert.equal(snapshot.enabled, false);
    assert.equal(snapshot.threshold, null);
    assert.deepEqual(JSON.parse(JSON.stringify(snapshot)), snapshot);
  });

  test('the memory store has a breaker that stays closed', async () => {
    const store = new MemoryStore();
    assert.equal(store.breaker.state, 'closed');
    assert.equal(store.breaker.snapshot().enabled, false);
    await store.close();
    await assert.rejects(store.time(), StoreClosedError);
    assert.equal(store.breaker.state, 'closed');
  });
});

describe('breaker options', () => {
  test('defaults: 5 failures in a row, probes after 1 s doubling to 8 s; false turns it off', () => {
    assert.deepEqual(resolveBreakerOptions(undefined), { threshold: 5, halfOpenAfterMs: 1_000, maxHalfOpenAfterMs: 8_000 });
    assert.deepEqual(resolveBreakerOptions({}), breakerDefaults);
    assert.deepEqual(resolveBreakerOptions({ threshold: 2 }), { ...breakerDefaults, threshold: 2 });
    assert.equal(resolveBreakerOptions(false), false);
  });

  test('invalid options throw InvalidConfigError naming the option', async () => {
    const invalid: [unknown, RegExp][] = [
      [{ threshold: 0 }, /threshold/],
      [{ threshold: 1.5 }, /threshold/],
      [{ threshold: '5' }, /threshold/],
      [{ halfOpenAfterMs: -1 }, /halfOpenAfterMs/],
      [{ maxHalfOpenAfterMs: 0 }, /maxHalfOpenAfterMs/],
      [{ halfOpenAfterMs: 2_000, maxHalfOpenAfterMs: 1_000 }, /maxHalfOpenAfterMs must be at least halfOpenAfterMs/],
      [true, /breaker must be an options object or false/],
      [5, /breaker must be an options object or false/],
      [null, /breaker must be an options object or false/],
    ];
    for (const [options, message] of invalid) {
      assert.throws(() => resolveBreakerOptions(options as BreakerOptions), (error) => error instanceof InvalidConfigError && message.test(error.message), JSON.stringify(options));
    }
    // createStore checks them at start, for the memory store too.
    await assert.rejects(createStore({ kind: 'memory', breaker: { threshold: 0 } }), InvalidConfigError);
  });
});
