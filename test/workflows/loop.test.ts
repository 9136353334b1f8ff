/** The loop driver with a scripted round: feedback, records, replacements followed. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RoundRequest } from '../../src/workflows/round-options.js';
import type { RoundResult } from '../../src/workflows/round-result.js';
import { runConsensusLoop } from '../../src/workflows/consensus-loop.js';

function result(request: RoundRequest, decision: RoundResult['decision'], answeredBy: (id: string) => string = (id) => id): RoundResult {
  return {
    roundId: request.roundId,
    iteration: request.iteration ?? 1,
    decision,
    consensus: decision === 'ESCALATE' ? null : 0.5,
    threshold: 0.9,
    answers: request.validators.map((id) => ({ validatorId: id, answeredBy: answeredBy(id), confidence: 0.5, recommendations: [`fix ${request.iteration}`], messageId: 'o:validate:1', answeredAt: 1 })),
    missing: [],
    recommendations: [`fix ${request.iteration}`],
    reasoning: decision,
    resumed: [],
    durationMs: 1,
  };
}

test('a replaced validator is asked through its replacement in the next iterations', async () => {
  const asked: string[][] = [];
  const decisions: RoundResult['decision'][] = ['DEFER', 'DEFER', 'PROCEED'];
  const loop = await runConsensusLoop(
    { loopId: 'l', validators: ['v1', 'v2'], implement: ({ iteration }) => iteration },
    {
      runRound: async (round) => {
        asked.push([...round.validators]);
        // In iteration 1, v2 died mid-round and its replacement v2-r1 answered for it.
        return result(round, decisions[asked.length - 1]!, (id) => (asked.length === 1 && id === 'v2' ? 'v2-r1' : id));
      },
      onIteration: () => undefined,
      onEnded: () => undefined,
      aborted: (reason) => new Error(`aborted: ${String(reason)}`),
    },
  );
  assert.deepEqual(asked, [
    ['v1', 'v2'],
    ['v1', 'v2-r1'],
    ['v1', 'v2-r1'],
  ]);
  assert.deepEqual([loop.decision, loop.endedBy, loop.rounds.length], ['PROCEED', 'consensus', 3]);
});

test('implement gets the previous round and its feedback; an ESCALATE round ends the loop escalated', async () => {
  const contexts: unknown[] = [];
  const loop = await runConsensusLoop(
    { loopId: 'l', validators: ['v1'], implement: (context) => void contexts.push({ iteration: context.iteration, feedback: context.feedback, previous: context.previous?.iteration }) },
    { runRound: async (round) => result(round, round.iteration === 1 ? 'DEFER' : 'ESCALATE'), onIteration: () => undefined, onEnded: () => undefined, aborted: () => new Error('aborted') },
  );
  assert.deepEqual(contexts, [
    { iteration: 1, feedback: [], previous: undefined },
    { iteration: 2, feedback: ['fix 1'], previous: 1 },
  ]);
  assert.deepEqual([loop.decision, loop.endedBy], ['ESCALATE', 'escalated']);
  assert.equal(loop.reasoning, 'iteration 2: ESCALATE');
});

test("the loop's signal reaches implement and the rounds; aborted between steps, the loop ends with the driver's error and runs nothing more", async () => {
  const controller = new AbortController();
  const rounds: (AbortSignal | undefined)[] = [];
  const seen: (AbortSignal | undefined)[] = [];
  const loop = runConsensusLoop(
    {
      loopId: 'l',
      validators: ['v1'],
      signal: controller.signal,
      implement: ({ iteration, signal }) => {
        seen.push(signal);
        if (iteration === 2) controller.abort('operator'); // during the second implement step
        return iteration;
      },
    },
    {
      runRound: async (round) => {
        rounds.push(round.signal);
        if (round.signal?.aborted) throw new Error('the round saw its signal aborted');
        return result(round, 'DEFER');
      },
      onIteration: () => undefined,
      onEnded: () => assert.fail('an aborted loop does not end with a result'),
      aborted: (reason) => new Error(`aborted: ${String(reason)}`),
    },
  );
  await assert.rejects(loop, /aborted: operator/);
  assert.deepEqual(seen, [controller.signal, controller.signal]);
  assert.deepEqual(rounds, [controller.signal], 'the round got the signal; none ran after the abort');

  const already = new AbortController();
  already.abort('before');
  let implemented = 0;
  await assert.rejects(
    runConsensusLoop({ loopId: 'l', validators: ['v1'], signal: already.signal, implement: () => (implemented += 1) }, { runRound: async (round) => result(round, 'PROCEED'), onIteration: () => undefined, onEnded: () => undefined, aborted: (reason) => new Error(`aborted: ${String(reason)}`) }),
    /aborted: before/,
  );
  assert.equal(implemented, 0);
});
