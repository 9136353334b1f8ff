import type { BlockingCoordinator } from '../../src/index.js';
import { respondLoop, startCoordinators, withLoops } from '../coordinators.js';
import { STEP_TIMEOUT_MS, type Scenario, type ScenarioContext, type ScenarioResult } from '../scenario.js';
import { elapsedUs, mark } from '../timer.js';

interface Verdict {
  confidence: number;
}

/**
 * How a validator answers: `ack` in its signed ACK (`acknowledge(signal, { result })`, the owner's
 * waitForAcks returns it); `signal` with an ACK and then a signed `completion` signal, which the
 * owner takes with waitForSignals and acknowledges (the CFN loop's shape: one more hop per round).
 */
export type AnswerBy = 'ack' | 'signal';

/** An owner and its validators (three unless told); `suffix` keeps the ids of concurrent groups apart. */
export interface FanInGroup {
  owner: BlockingCoordinator;
  validatorIds: readonly string[];
  answerBy: AnswerBy;
  coordinators: BlockingCoordinator[];
  /** Starts each validator's answering loop. */
  loops(stop: AbortSignal): Promise<void>[];
}

export async function startFanInGroup(context: ScenarioContext, suffix = '', answerBy: AnswerBy = 'ack', validatorCount = 3): Promise<FanInGroup> {
  suffix += context.idSuffix ?? '';
  const ownerId = `bench-owner${suffix}`;
  const validatorIds = Array.from({ length: validatorCount }, (_, i) => `bench-v${i + 1}${suffix}`);
  const coordinators = await startCoordinators(context, [ownerId, ...validatorIds]);
  const [owner, ...validators] = coordinators as [BlockingCoordinator, ...BlockingCoordinator[]];
  const loops = (stop: AbortSignal) =>
    validators.map((validator, index) =>
      respondLoop(validator, { types: 'validate', from: ownerId }, async (signal) => {
        const verdict: Verdict = { confidence: 0.9 - (index % 3) * 0.05 };
        if (answerBy === 'ack') {
          await validator.acknowledge(signal, { status: 'approved', result: verdict });
          return;
        }
        await validator.acknowledge(signal);
        await validator.sendSignal(ownerId, 'completion', { ...(signal.iteration !== undefined ? { iteration: signal.iteration } : {}), payload: verdict });
      }, stop),
    );
  return { owner, validatorIds, answerBy, coordinators, loops };
}

/**
 * One round: the owner sends `validate` to every validator and waits for every answer; the round
 * ends when the last answer is in (`ack`) or acknowledged (`signal`).
 */
export function fanInRound(group: FanInGroup, iteration: number): Promise<void> {
  return group.answerBy === 'ack' ? answersInAcks(group, iteration) : answersAsSignals(group, iteration);
}

function sendValidate(group: FanInGroup, iteration: number) {
  return Promise.all(group.validatorIds.map((v) => group.owner.sendSignal(v, 'validate', { iteration, payload: { task: `round-${iteration}` } })));
}

function checkVerdict(iteration: number, from: string, verdict: Verdict | undefined): void {
  if (typeof verdict?.confidence !== 'number') throw new Error(`round ${iteration}: answer from ${from} has no confidence`);
}

/** Waits for each validate's ACK (one waitForAcks per messageId) and reads each verdict from it. */
async function answersInAcks(group: FanInGroup, iteration: number): Promise<void> {
  const { owner, validatorIds } = group;
  const sent = await sendValidate(group, iteration);
  const acks = await Promise.all(sent.map(({ messageId }, i) => owner.waitForAcks<Verdict>([validatorIds[i]!], messageId, { timeoutMs: STEP_TIMEOUT_MS })));
  acks.forEach((byValidator, i) => {
    const ack = byValidator.get(validatorIds[i]!);
    if (!ack) throw new Error(`round ${iteration}: no ACK from ${validatorIds[i]} within ${STEP_TIMEOUT_MS} ms`);
    checkVerdict(iteration, ack.coordinatorId, ack.result);
  });
}

/**
 * Waits concurrently for each validate's ACK and for every validator's `completion`
 * (waitForSignals, the barrier), and acknowledges each answer.
 */
async function answersAsSignals(group: FanInGroup, iteration: number): Promise<void> {
  const { owner, validatorIds } = group;
  const sent = await sendValidate(group, iteration);
  const [ackMaps, answers] = await Promise.all([
    Promise.all(sent.map(({ messageId }, i) => owner.waitForAcks([validatorIds[i]!], messageId, { timeoutMs: STEP_TIMEOUT_MS }))),
    owner.waitForSignals<Verdict>(validatorIds, { types: 'completion', iteration, timeoutMs: STEP_TIMEOUT_MS }),
  ]);
  const acked = ackMaps.reduce((n, acks) => n + acks.size, 0);
  if (acked !== validatorIds.length || answers.size !== validatorIds.length) {
    throw new Error(`round ${iteration}: ${acked}/${validatorIds.length} ACKs and ${answers.size}/${validatorIds.length} answers within ${STEP_TIMEOUT_MS} ms`);
  }
  for (const answer of answers.values()) checkVerdict(iteration, answer.senderId, answer.payload);
  await Promise.all([...answers.values()].map((answer) => owner.acknowledge(answer)));
}

/** Runs `body` with a started group and its validator loops; `body` gets the round to time. */
export async function withFanIn<T>(context: ScenarioContext, answerBy: AnswerBy, body: (round: (n: number) => Promise<void>) => Promise<T>, validatorCount = 3): Promise<T> {
  const group = await startFanInGroup(context, `-${answerBy}${validatorCount}`, answerBy, validatorCount);
  return withLoops(group.coordinators, group.loops, () => body((n) => fanInRound(group, n)));
}

/** Sequential fan-in rounds: an owner and three validators answering in their ACKs, each validator its own loop. */
export const fanInScenario: Scenario = {
  id: 'fan-in',
  run: (context: ScenarioContext): Promise<ScenarioResult> =>
    withFanIn(context, 'ack', async (round) => {
      const { warmup, measured } = context.counts;
      let iteration = 0;
      for (let i = 0; i < warmup; i += 1) await round(iteration++);
      const samplesUs = new Array<number>(measured);
      const loopStart = mark();
      for (let i = 0; i < measured; i += 1) {
        const start = mark();
        await round(iteration++);
        samplesUs[i] = elapsedUs(start);
      }
      return { name: 'fan-in round (1 owner, 3 validators, answers in ACKs)', unit: 'round', samplesUs, elapsedMs: elapsedUs(loopStart) / 1_000 };
    }),
};
