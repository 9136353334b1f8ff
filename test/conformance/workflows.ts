import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, afterEach, before, describe, test } from 'node:test';
import { CoordinatorStoppedError, RoundTakenError } from '../../src/protocol/errors.js';
import { ConsensusValidator, type ValidationHandler } from '../../src/workflows/consensus-validator.js';
import type { RoundAnswerEvent } from '../../src/workflows/events.js';
import { ProductOwner } from '../../src/workflows/product-owner.js';
import { Coordinators, uniqueSwarm } from '../support/coordinators.js';
import { recordingLogger } from '../support/recording-logger.js';
import type { Harness } from './harness.js';

const VALIDATORS = ['validator-1', 'validator-2', 'validator-3'];
/** A round's timeout when one validator never answers: long enough for the others on a busy Cluster. */
const ABSENT_TIMEOUT_MS = 1_000;
const round3 = (value: number | null) => (value === null ? null : Math.round(value * 1000) / 1000);

/** A handler that answers a fixed confidence and recommendations, counting its calls. */
function fixed(confidence: number, recommendations: string[] = []): ValidationHandler & { calls: number } {
  const handler = Object.assign(() => {
    handler.calls += 1;
    return { confidence, recommendations };
  }, { calls: 0 });
  return handler;
}

/** A handler held until released: a validator still working when the test needs it to be. */
function held(confidence: number): ValidationHandler & { started: Promise<void>; release: () => void; calls: number } {
  let release!: () => void;
  let markStarted!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const handler = Object.assign(
    async () => {
      handler.calls += 1;
      markStarted();
      await gate;
      return { confidence };
    },
    { started, release: () => release(), calls: 0 },
  );
  return handler;
}

/** Issue 15: the consensus round and the loop decide alike on every store. */
export function workflowBehaviour(h: Harness): void {
  describe(`workflows [${h.name}]`, () => {
    let c: Coordinators;
    let serving: ConsensusValidator[] = [];
    before(() => h.setup());
    after(() => h.teardown());
    afterEach(async () => {
      await Promise.all(serving.map((v) => v.stop()));
      serving = [];
      await c?.shutdownAll();
    });
    const fresh = () => (c = new Coordinators(() => h.store(), uniqueSwarm('wf')));
    const owner = async (id = 'product-owner') => {
      const coordinator = await c.start(id);
      return new ProductOwner(coordinator, { logger: recordingLogger(), timeoutMs: 5_000 });
    };
    const serve = async (id: string, handler: ValidationHandler) => {
      const validator = new ConsensusValidator(await c.start(id), handler, { logger: recordingLogger() });
      validator.start();
      serving.push(validator);
      return validator;
    };

    test('PROCEED: every validator answers, consensus at the threshold; recommendations merged once each', async () => {
      fresh();
      const po = await owner();
      await serve('validator-1', fixed(0.95, ['rate-limit login', 'rotate keys']));
      await serve('validator-2', fixed(0.92, ['rotate keys', 'add refresh tests']));
      await serve('validator-3', fixed(0.88, ['add refresh tests']));
      const answers: RoundAnswerEvent[] = [];
      po.on('round:answer', (event) => answers.push(event));
      const result = await po.runRound({ roundId: 'task-1', validators: VALIDATORS, task: { change: 'JWT auth' } });
      assert.equal(result.decision, 'PROCEED');
      assert.equal(round3(result.consensus), 0.917);
      assert.equal(result.threshold, 0.9);
      assert.deepEqual(result.answers.map((a) => [a.validatorId, a.answeredBy, a.confidence]), [
        ['validator-1', 'validator-1', 0.95],
        ['validator-2', 'validator-2', 0.92],
        ['validator-3', 'validator-3', 0.88],
      ]);
      assert.deepEqual(result.recommendations, ['rate-limit login', 'rotate keys', 'add refresh tests']);
      assert.deepEqual([result.missing, result.resumed], [[], []]);
      assert.match(result.reasoning, /^PROCEED: consensus 0\.917 >= 0\.9 \(3 of 3 validators answered\)$/);
      assert.equal(answers.length, 3, 'one round:answer per validator');
    });

    test('DEFER below the threshold, and the loop hands the feedback to the next iteration, which proceeds', async () => {
      fresh();
      const po = await owner();
      // The validators judge the task: version 1 lacks tests, version 2 has them.
      const judge: ValidationHandler<{ version: number }> = ({ task }) =>
        task.version >= 2 ? { confidence: 0.95 } : { confidence: 0.7, recommendations: ['add integration tests'] };
      for (const id of VALIDATORS) await serve(id, judge as ValidationHandler);
      const seen: { iteration: number; feedback: string[] }[] = [];
      const result = await po.runLoop({
        loopId: 'jwt-auth',
        validators: VALIDATORS,
        implement: ({ iteration, feedback }) => {
          seen.push({ iteration, feedback });
          return { version: iteration };
        },
      });
      assert.deepEqual(seen, [
        { iteration: 1, feedback: [] },
        { iteration: 2, feedback: ['add integration tests'] },
      ]);
      assert.deepEqual([result.decision, result.endedBy], ['PROCEED', 'consensus']);
      assert.deepEqual(result.rounds.map((r) => [r.iteration, r.decision, round3(r.consensus)]), [
        [1, 'DEFER', 0.7],
        [2, 'PROCEED', 0.95],
      ]);
      assert.match(result.rounds[0]!.reasoning, /^DEFER: consensus 0\.7 < 0\.9/);
    });

    test('ESCALATE when a validator is missing at the timeout, or decide on a quorum', async () => {
      fresh();
      const po = await owner();
      await serve('validator-1', fixed(0.95));
      await serve('validator-2', fixed(0.93));
      const escalated = await po.runRound({ roundId: 'task-2', validators: VALIDATORS, task: 'x', timeoutMs: ABSENT_TIMEOUT_MS });
      assert.equal(escalated.decision, 'ESCALATE');
      assert.equal(escalated.consensus, null);
      assert.deepEqual(escalated.missing.map((m) => [m.validatorId, m.reason]), [['validator-3', 'no_answer']]);
      assert.match(escalated.reasoning, /^ESCALATE: 2 of 3 validators answered \(every answer is required\); missing validator-3 \(no answer\)$/);
      const quorum = await po.runRound({ roundId: 'task-3', validators: VALIDATORS, task: 'x', timeoutMs: ABSENT_TIMEOUT_MS, onMissing: { quorum: 2 } });
      assert.deepEqual([quorum.decision, round3(quorum.consensus)], ['PROCEED', 0.94]);
      assert.match(quorum.reasoning, /quorum met; missing validator-3/);
    });

    test('ESCALATE after maxIterations rounds without consensus, with a record of every round', async () => {
      fresh();
      const po = await owner();
      for (const id of VALIDATORS) await serve(id, fixed(0.5, ['try again']));
      const iterations: number[] = [];
      po.on('loop:iteration', (event) => iterations.push(event.iteration));
      const ended = once(po, 'loop:ended');
      const result = await po.runLoop({ loopId: 'never', validators: VALIDATORS, maxIterations: 3, implement: ({ iteration }) => ({ attempt: iteration }) });
      assert.deepEqual([result.decision, result.endedBy], ['ESCALATE', 'max_iterations']);
      assert.deepEqual(result.rounds.map((r) => r.decision), ['DEFER', 'DEFER', 'DEFER']);
      assert.deepEqual(iterations, [1, 2, 3]);
      assert.match(result.reasoning, /^ESCALATE: no consensus in 3 iterations/);
      assert.equal((await ended)[0], result);
    });

    test('an answer to an earlier iteration never counts in a later one, even when it arrives while the later one waits', async () => {
      fresh();
      const po = await owner();
      await serve('validator-1', fixed(0.95));
      // validator-2 answers iteration 1 late (0.1, which would sink iteration 2), then 0.93.
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let calls = 0;
      await serve('validator-2', async ({ iteration }) => {
        calls += 1;
        if (iteration === 1) await gate;
        return { confidence: iteration === 1 ? 0.1 : 0.93 };
      });
      const pair = ['validator-1', 'validator-2'];
      const first = await po.runRound({ roundId: 'task-5', iteration: 1, validators: pair, task: 'v1', timeoutMs: ABSENT_TIMEOUT_MS });
      assert.deepEqual(first.missing.map((m) => m.validatorId), ['validator-2']);
      const started = once(po, 'round:started');
      const second = po.runRound({ roundId: 'task-5', iteration: 2, validators: pair, task: 'v2' });
      await started;
      release(); // the late answer to iteration 1 lands while iteration 2 waits
      const result = await second;
      assert.equal(result.decision, 'PROCEED');
      assert.deepEqual(result.answers.map((a) => a.confidence), [0.95, 0.93], 'the late 0.1 of iteration 1 is not counted');
      assert.equal(calls, 2);
    });

    test('an owner that restarts mid-round resumes it: nobody is asked again, given answers are read back', async () => {
      fresh();
      let po = await owner();
      const handlers = [fixed(0.95), held(0.91), fixed(0.92)];
      for (const [i, id] of VALIDATORS.entries()) await serve(id, handlers[i]!);
      const running = po.runRound({ roundId: 'task-6', validators: VALIDATORS, task: 'x' }).catch((error: unknown) => error);
      await (handlers[1] as ReturnType<typeof held>).started;
      await c.all.find((x) => x.id === 'product-owner')!.stop(); // the owner "crashes" mid-round
      assert.ok((await running) instanceof CoordinatorStoppedError);
      po = await owner(); // the same id, a new instance
      const resumedEvent = once(po, 'round:started');
      const result = po.runRound({ roundId: 'task-6', validators: VALIDATORS, task: 'x' });
      assert.deepEqual((await resumedEvent)[0].resumed, VALIDATORS, 'every validator had been asked');
      (handlers[1] as ReturnType<typeof held>).release();
      const decided = await result;
      assert.equal(decided.decision, 'PROCEED');
      assert.deepEqual(decided.resumed, VALIDATORS);
      assert.deepEqual(handlers.map((handler) => handler.calls), [1, 1, 1], 'no validator was asked twice');
    });

    test('a round id another owner used in the swarm is refused (RoundTakenError), not resumed with its answers', async () => {
      fresh();
      const first = await owner('owner-a');
      await serve('validator-1', fixed(0.95));
      await first.runRound({ roundId: 'shared', validators: ['validator-1'], task: 'task of owner-a' });
      const second = await owner('owner-b');
      const error = await second.runRound({ roundId: 'shared', validators: ['validator-1'], task: 'task of owner-b' }).catch((e: unknown) => e);
      assert.ok(error instanceof RoundTakenError, String(error));
      assert.deepEqual([error.code, error.context.ownerId, error.context.validatorId], ['RDV_ERR_ROUND_TAKEN', 'owner-a', 'validator-1']);
    });

    test('a failed handler, an invalid verdict and an answer without a verdict are missing, with the reason', async () => {
      fresh();
      const po = await owner();
      await serve('validator-1', () => {
        throw new Error('linter crashed');
      });
      await serve('validator-2', () => ({ confidence: 1.5 }));
      const plain = await c.start('validator-3'); // acknowledges without an answer, as a plain agent would
      const acked = (async () => plain.acknowledge(await plain.blockUntilSignal({ types: 'validate' })))();
      const result = await po.runRound({ roundId: 'task-7', validators: VALIDATORS, task: 'x', timeoutMs: 2_000 });
      await acked;
      assert.equal(result.decision, 'ESCALATE');
      assert.deepEqual(result.missing.map((m) => [m.validatorId, m.reason]), [
        ['validator-1', 'failed'],
        ['validator-2', 'failed'],
        ['validator-3', 'invalid_answer'],
      ]);
      assert.equal(result.missing[0]!.detail, 'linter crashed');
      assert.match(result.missing[1]!.detail!, /verdict is invalid: confidence/);
      assert.match(result.missing[2]!.detail!, /status "received" is not a verdict/);
    });
  });
}
