import type { BlockingCoordinator } from '../../src/index.js';
import { respondLoop, startCoordinators, withLoops } from '../coordinators.js';
import { STEP_TIMEOUT_MS, type Scenario, type ScenarioContext, type ScenarioResult } from '../scenario.js';
import { elapsedUs, mark } from '../timer.js';

interface Verdict {
  confidence: number;
}

/** An owner and its three validators; `suffix` keeps the ids of concurrent groups apart. */
export interface FanInGroup {
  owner: BlockingCoordinator;
  validatorIds: readonly string[];
  coordinators: BlockingCoordinator[];
  /** Starts each validator's answering loop. */
  loops(stop: AbortSignal): Promise<void>[];
}

export async function startFanInGroup(context: ScenarioContext, suffix = ''): Promise<FanInGroup> {
  const ownerId = `bench-owner${suffix}`;
  const validatorIds = ['bench-v1', 'bench-v2', 'bench-v3'].map((id) => `${id}${suffix}`);
  const coordinators = await startCoordinators(context, [ownerId, ...validatorIds]);
  const [owner, ...validators] = coordinators as [BlockingCoordinator, ...BlockingCoordinator[]];
  const loops = (stop: AbortSignal) =>
    validators.map((validator, index) =>
      respondLoop(validator, { types: 'validate', from: ownerId }, async (signal) => {
        await validator.acknowledge(signal);
        const verdict: Verdict = { confidence: 0.9 - index * 0.05 };
        await validator.sendSignal(ownerId, 'completion', { ...(signal.iteration !== undefined ? { iteration: signal.iteration } : {}), payload: verdict });
      }, stop),
    );
  return { owner, validatorIds, coordinators, loops };
}

/**
 * One round: the owner sends `validate` to every validator, then waits concurrently for each
 * validate's ACK (one waitForAcks per messageId) and for every validator's `completion`
 * (waitForSignals, the barrier), and acknowledges each answer. The round ends when the last
 * answer is acknowledged.
 */
export async function fanInRound(owner: BlockingCoordinator, validatorIds: readonly string[], iteration: number): Promise<void> {
  const sent = await Promise.all(validatorIds.map((v) => owner.sendSignal(v, 'validate', { iteration, payload: { task: `round-${iteration}` } })));
  const [ackMaps, answers] = await Promise.all([
    Promise.all(sent.map(({ messageId }, i) => owner.waitForAcks([validatorIds[i]!], messageId, STEP_TIMEOUT_MS))),
    owner.waitForSignals<Verdict>(validatorIds, { types: 'completion', iteration, timeoutMs: STEP_TIMEOUT_MS }),
  ]);
  const acked = ackMaps.reduce((n, acks) => n + acks.size, 0);
  if (acked !== validatorIds.length || answers.size !== validatorIds.length) {
    throw new Error(`round ${iteration}: ${acked}/${validatorIds.length} ACKs and ${answers.size}/${validatorIds.length} answers within ${STEP_TIMEOUT_MS} ms`);
  }
  for (const answer of answers.values()) {
    if (typeof answer.payload?.confidence !== 'number') throw new Error(`round ${iteration}: answer from ${answer.senderId} has no confidence`);
  }
  await Promise.all([...answers.values()].map((answer) => owner.acknowledge(answer)));
}

/** Runs `body` with a started group and its validator loops; `body` gets the round to time. */
export async function withFanIn<T>(context: ScenarioContext, body: (round: (n: number) => Promise<void>) => Promise<T>): Promise<T> {
  const { owner, validatorIds, coordinators, loops } = await startFanInGroup(context);
  return withLoops(coordinators, loops, () => body((n) => fanInRound(owner, validatorIds, n)));
}

/** Sequential fan-in rounds: an owner and three validators, each validator its own loop. */
export const fanInScenario: Scenario = {
  id: 'fan-in',
  async run(context: ScenarioContext): Promise<ScenarioResult> {
    const { owner, validatorIds, coordinators, loops } = await startFanInGroup(context);
    return withLoops(coordinators, loops, async () => {
      const { warmup, measured } = context.counts;
      let iteration = 0;
      for (let i = 0; i < warmup; i += 1) await fanInRound(owner, validatorIds, iteration++);
      const samplesUs = new Array<number>(measured);
      const loopStart = mark();
      for (let i = 0; i < measured; i += 1) {
        const start = mark();
        await fanInRound(owner, validatorIds, iteration++);
        samplesUs[i] = elapsedUs(start);
      }
      return { name: `fan-in round (1 owner, ${validatorIds.length} validators)`, unit: 'round', samplesUs, elapsedMs: elapsedUs(loopStart) / 1_000 };
    });
  },
};
