/** The validator's side and the owner's checks, on the embedded store: stops, refusals, store failures, bad options. */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, afterEach, test } from 'node:test';
import { AbortedError, InvalidConfigError, InvalidIdError, StoreUnavailableError } from '../../src/protocol/errors.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import type { Store } from '../../src/store/port.js';
import { ConsensusValidator, type ValidationHandler } from '../../src/workflows/consensus-validator.js';
import { ProductOwner } from '../../src/workflows/product-owner.js';
import { Coordinators, uniqueSwarm } from '../support/coordinators.js';
import { recordingLogger } from '../support/recording-logger.js';

const memory = new MemoryStore();
after(() => memory.close());
let c: Coordinators;
const validators: ConsensusValidator[] = [];
afterEach(async () => {
  await Promise.all(validators.splice(0).map((v) => v.stop()));
  await c.shutdownAll();
});

async function setup(store: Store = memory) {
  c = new Coordinators(() => store, uniqueSwarm('wf-v'));
  const owner = new ProductOwner(await c.start('owner'), { logger: recordingLogger(), timeoutMs: 5_000 });
  const serve = async (id: string, handler: ValidationHandler, options: Parameters<Coordinators['start']>[1] = {}) => {
    const validator = new ConsensusValidator(await c.start(id, options), handler, { logger: recordingLogger() });
    validator.start();
    validators.push(validator);
    return validator;
  };
  return { owner, serve };
}

test('stop() while the handler works leaves the request in the inbox; the next instance answers it and the round proceeds', async () => {
  const { owner, serve } = await setup();
  let working!: () => void;
  const started = new Promise<void>((resolve) => (working = resolve));
  const first = await serve('v1', ({ signal }) => {
    working();
    return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
  });
  const round = owner.runRound({ roundId: 'stop-1', validators: ['v1'], task: 'x' });
  await started;
  await first.stop();
  assert.equal(first.served, 0, 'nothing answered');
  await c.all.find((x) => x.id === 'v1')!.stop(); // the process ends
  const next = await serve('v1', () => ({ confidence: 0.96 })); // a new instance with the same id
  const result = await round;
  assert.equal(result.decision, 'PROCEED');
  assert.equal(next.served, 1);
});

test('a validate signal that is not a round request is answered failed without running the handler', async () => {
  const { owner, serve } = await setup();
  let calls = 0;
  const validator = await serve('v1', () => {
    calls += 1;
    return { confidence: 1 };
  });
  const refused = once(validator, 'request:refused');
  const { messageId } = await owner.coordinator.sendSignal('v1', 'validate', { payload: { something: 'else' } });
  const acks = await owner.coordinator.waitForAcks(['v1'], messageId, { timeoutMs: 2_000 });
  assert.equal(acks.get('v1')?.status, 'failed');
  assert.match(String((acks.get('v1')?.result as { error: string }).error), /not a round request/);
  assert.match((await refused)[0].detail, /not a round request/);
  assert.equal(calls, 0);
});

test('a verdict an ACK cannot carry (over maxSignalBytes) is answered failed, with why', async () => {
  const { owner, serve } = await setup();
  await serve('v1', () => ({ confidence: 0.9, details: 'x'.repeat(20_000) }), { maxSignalBytes: 10_000 });
  const result = await owner.runRound({ roundId: 'big', validators: ['v1'], task: 'x' });
  assert.equal(result.decision, 'ESCALATE');
  assert.deepEqual(result.missing.map((m) => m.reason), ['failed']);
  assert.match(result.missing[0]!.detail!, /cannot be carried by an ACK/);
});

test('storing an answer is retried while the store is unavailable, and the round proceeds', async () => {
  let failures = 2;
  const flaky = new Proxy(memory, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (property !== 'acknowledge') return (value as (...a: unknown[]) => unknown).bind(target);
      return (...args: unknown[]) => {
        if (failures-- > 0) return Promise.reject(new StoreUnavailableError('acknowledge', new Error('connection reset')));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as Store;
  const { owner } = await setup();
  const logger = recordingLogger();
  const coordinator = new Coordinators(() => flaky, owner.coordinator.swarmId);
  const validatorCoordinator = await coordinator.start('v1');
  const validator = new ConsensusValidator(validatorCoordinator, () => ({ confidence: 0.95 }), { logger });
  validator.start();
  try {
    const result = await owner.runRound({ roundId: 'flaky', validators: ['v1'], task: 'x' });
    assert.equal(result.decision, 'PROCEED');
    assert.ok(failures < 0, 'both failures were met');
    assert.equal(logger.records.filter((r) => r.msg?.includes('retrying')).length, 2);
  } finally {
    await validator.stop();
    await coordinator.shutdownAll();
  }
});

test('a custom consensus function decides; one that returns NaN is a typed error', async () => {
  const { owner, serve } = await setup();
  await serve('v1', () => ({ confidence: 1 }));
  await serve('v2', () => ({ confidence: 0.5 }));
  const weights: Record<string, number> = { v1: 3, v2: 1 };
  const weighted = await owner.runRound({
    roundId: 'weighted',
    validators: ['v1', 'v2'],
    task: 'x',
    consensus: (answers) => answers.reduce((s, a) => s + a.confidence * weights[a.validatorId]!, 0) / 4,
  });
  assert.deepEqual([weighted.decision, weighted.consensus], ['DEFER', 0.875]);
  await assert.rejects(owner.runRound({ roundId: 'nan', validators: ['v1', 'v2'], task: 'x', consensus: () => Number.NaN }), InvalidConfigError);
});

test('bad round options are refused before anything is sent', async () => {
  const { owner } = await setup();
  const sent = owner.coordinator.sendSignal;
  let sends = 0;
  Object.assign(owner.coordinator, { sendSignal: (...args: Parameters<typeof sent>) => (sends++, sent.apply(owner.coordinator, args)) });
  const base = { roundId: 'r', validators: ['v1'], task: 'x' };
  await assert.rejects(owner.runRound({ ...base, roundId: 'r'.repeat(49) }), InvalidIdError);
  await assert.rejects(owner.runRound({ ...base, roundId: 'bad id' }), InvalidIdError);
  await assert.rejects(owner.runRound({ ...base, validators: [] }), InvalidConfigError);
  await assert.rejects(owner.runRound({ ...base, validators: ['v1', 'v1'] }), InvalidConfigError);
  await assert.rejects(owner.runRound({ ...base, validators: ['v:1'] }), InvalidIdError);
  await assert.rejects(owner.runRound({ ...base, threshold: Number.NaN }), InvalidConfigError);
  await assert.rejects(owner.runRound({ ...base, timeoutMs: 0 }), InvalidConfigError);
  await assert.rejects(owner.runRound({ ...base, iteration: -1 }), InvalidConfigError);
  await assert.rejects(owner.runRound({ ...base, onMissing: { quorum: 2 } }), InvalidConfigError);
  await assert.rejects(owner.runLoop({ loopId: 'l', validators: ['v1'], maxIterations: 0, implement: () => 'x' }), InvalidConfigError);
  assert.throws(() => new ProductOwner(owner.coordinator, { threshold: Number.POSITIVE_INFINITY }), InvalidConfigError);
  assert.throws(() => new ConsensusValidator(owner.coordinator as never, undefined as never), InvalidConfigError);
  assert.equal(sends, 0);
});

test('a validator whose coordinator was never started stops serving and says so (never silently)', async () => {
  await setup();
  const logger = recordingLogger();
  const validator = new ConsensusValidator(c.make('never-started'), () => ({ confidence: 1 }), { logger });
  const stopped = once(validator, 'stopped');
  validator.start();
  await stopped;
  await validator.done;
  assert.ok(logger.records.some((r) => r.level === 'error' && r.msg === 'consensus validator stopped serving' && (r.fields.err as { code?: string }).code === 'RDV_ERR_NOT_STARTED'));
});

test('a request past its round deadline is answered failed (expired) without running the handler', async () => {
  const { owner, serve } = await setup();
  const round = await owner.runRound({ roundId: 'late', validators: ['v1'], task: 'x', timeoutMs: 100 });
  assert.equal(round.decision, 'ESCALATE'); // nobody served v1 in time
  let calls = 0;
  const validator = await serve('v1', () => {
    calls += 1;
    return { confidence: 1 };
  });
  const [answered] = await once(validator, 'request:answered');
  assert.equal(answered.status, 'failed');
  assert.match(answered.error, /^expired: round late ended \d+ ms before this validator took the request$/);
  assert.equal(calls, 0);
});

test("the round's deadline aborts a working handler's signal, and the request is answered failed (expired)", async () => {
  const { owner, serve } = await setup();
  let aborted!: () => void;
  const sawAbort = new Promise<void>((resolve) => (aborted = resolve));
  const validator = await serve('v1', ({ signal }) => new Promise<never>(() => signal.addEventListener('abort', aborted, { once: true })));
  const answered = once(validator, 'request:answered');
  const round = await owner.runRound({ roundId: 'deadline', validators: ['v1'], task: 'x', timeoutMs: 150 });
  assert.equal(round.decision, 'ESCALATE');
  await sawAbort;
  const [event] = await answered;
  assert.equal(event.status, 'failed');
  assert.equal(event.error, 'expired: round deadline ended before the handler returned');
});

test('a signal a handler first reads after stop() is already aborted', async () => {
  const { owner, serve } = await setup();
  let working!: () => void;
  const started = new Promise<void>((resolve) => (working = resolve));
  let resume!: () => void;
  const resumed = new Promise<void>((resolve) => (resume = resolve));
  let read!: (aborted: boolean) => void;
  const readAfterStop = new Promise<boolean>((resolve) => (read = resolve));
  const validator = await serve('v1', async (request) => {
    working();
    await resumed;
    read(request.signal.aborted); // the first read of the signal
    return { confidence: 1 };
  });
  void owner.runRound({ roundId: 'late-read', validators: ['v1'], task: 'x', timeoutMs: 5_000 }).catch(() => undefined);
  await started;
  await validator.stop();
  resume();
  assert.equal(await readAfterStop, true);
  assert.equal(validator.served, 0);
});

test("stop() does not wait for a handler that ignores its signal; the request stays for the next instance", async () => {
  const { owner, serve } = await setup();
  let working!: () => void;
  const started = new Promise<void>((resolve) => (working = resolve));
  const stubborn = await serve('v1', () => {
    working();
    return new Promise<never>(() => undefined); // never settles, never looks at its signal
  });
  const round = owner.runRound({ roundId: 'stubborn', validators: ['v1'], task: 'x', timeoutMs: 5_000 });
  await started;
  await stubborn.stop(); // resolves: the test would time out otherwise
  assert.equal(stubborn.served, 0);
  await c.all.find((x) => x.id === 'v1')!.stop();
  await serve('v1', () => ({ confidence: 0.95 }));
  assert.equal((await round).decision, 'PROCEED');
});

test("a handler's error longer than an ACK can carry is cut, and still answered failed", async () => {
  const { owner, serve } = await setup();
  await serve('v1', () => {
    throw new Error('x'.repeat(50_000));
  }, { maxSignalBytes: 10_000 });
  const result = await owner.runRound({ roundId: 'long-error', validators: ['v1'], task: 'x' });
  assert.deepEqual(result.missing.map((m) => m.reason), ['failed']);
  assert.ok(result.missing[0]!.detail!.length < 2_100, `cut to ${result.missing[0]!.detail!.length} characters`);
  assert.match(result.missing[0]!.detail!, /… \(50000 characters\)$/);
});

test("a round aborted by its caller's signal ends with AbortedError and round:failed; run again, it resumes without asking twice", { timeout: 20_000 }, async () => {
  const { owner, serve } = await setup();
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let asked = 0;
  let working!: () => void;
  const started = new Promise<void>((resolve) => (working = resolve));
  await serve('v1', async () => {
    asked += 1;
    working();
    await released;
    return { confidence: 0.97 };
  });
  const failed = once(owner, 'round:failed');
  const controller = new AbortController();
  const round = owner.runRound({ roundId: 'cancel', validators: ['v1'], task: 'x', signal: controller.signal });
  await started;
  controller.abort('the task changed');
  await assert.rejects(round, (error: unknown) => error instanceof AbortedError && error.context.reason === 'the task changed');
  const [event] = await failed;
  assert.ok(event.error instanceof AbortedError);

  release(); // the validator answers the request it was working on
  const resumed = await owner.runRound({ roundId: 'cancel', validators: ['v1'], task: 'x' });
  assert.equal(resumed.decision, 'PROCEED');
  assert.deepEqual(resumed.resumed, ['v1']);
  assert.equal(asked, 1, 'the validator was asked once');

  await assert.rejects(owner.runRound({ roundId: 'cancel-2', validators: ['v1'], task: 'x', signal: controller.signal }), AbortedError, 'an aborted signal sends nothing');
  assert.equal(asked, 1);
});
