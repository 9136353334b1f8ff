import type { BlockingCoordinator } from '../../src/index.js';
import { respondLoop, startCoordinators, withLoops } from '../coordinators.js';
import { STEP_TIMEOUT_MS, type Scenario, type ScenarioContext, type ScenarioResult } from '../scenario.js';
import { elapsedUs, mark } from '../timer.js';

const OWNER = 'bench-owner';
const VALIDATORS = ['bench-v1', 'bench-v2', 'bench-v3'] as const;

interface Verdict {
  confidence: number;
}

/**
 * One round: the owner sends `validate` to every validator, then waits concurrently for each
 * validate's ACK (one waitForAcks per messageId) and for every validator's `completion`
 * (waitForSignals, the barrier), and acknowledges each answer. The round ends when the last
 * answer is acknowledged.
 */
async function round(owner: BlockingCoordinator, iteration: number): Promise<void> {
  const sent = await Promise.all(VALIDATORS.map((v) => owner.sendSignal(v, 'validate', { iteration, payload: { task: `round-${iteration}` } })));
  const [ackMaps, answers] = await Promise.all([
    Promise.all(sent.map(({ messageId }, i) => owner.waitForAcks([VALIDATORS[i]!], messageId, STEP_TIMEOUT_MS))),
    owner.waitForSignals<Verdict>(VALIDATORS, { types: 'completion', iteration, timeoutMs: STEP_TIMEOUT_MS }),
  ]);
  const acked = ackMaps.reduce((n, acks) => n + acks.size, 0);
  if (acked !== VALIDATORS.length || answers.size !== VALIDATORS.length) {
    throw new Error(`round ${iteration}: ${acked}/${VALIDATORS.length} ACKs and ${answers.size}/${VALIDATORS.length} answers within ${STEP_TIMEOUT_MS} ms`);
  }
  for (const answer of answers.values()) {
    if (typeof answer.payload?.confidence !== 'number') throw new Error(`round ${iteration}: answer from ${answer.senderId} has no confidence`);
  }
  await Promise.all([...answers.values()].map((answer) => owner.acknowledge(answer)));
}

/** Sequential fan-in rounds: an owner and three validators, each validator its own loop. */
export const fanInScenario: Scenario = {
  id: 'fan-in',
  async run(context: ScenarioContext): Promise<ScenarioResult> {
    const coordinators = await startCoordinators(context, [OWNER, ...VALIDATORS]);
    const [owner, ...validators] = coordinators as [BlockingCoordinator, ...BlockingCoordinator[]];
    return withLoops(
      coordinators,
      (stop) =>
        validators.map((validator, index) =>
          respondLoop(validator, { types: 'validate', from: OWNER }, async (signal) => {
            await validator.acknowledge(signal);
            const verdict: Verdict = { confidence: 0.9 - index * 0.05 };
            await validator.sendSignal(OWNER, 'completion', { ...(signal.iteration !== undefined ? { iteration: signal.iteration } : {}), payload: verdict });
          }, stop),
        ),
      async () => {
        const { warmup, measured } = context.counts;
        let iteration = 0;
        for (let i = 0; i < warmup; i += 1) await round(owner, iteration++);
        const samplesUs = new Array<number>(measured);
        const loopStart = mark();
        for (let i = 0; i < measured; i += 1) {
          const start = mark();
          await round(owner, iteration++);
          samplesUs[i] = elapsedUs(start);
        }
        return { name: `fan-in round (1 owner, ${VALIDATORS.length} validators)`, unit: 'round', samplesUs, elapsedMs: elapsedUs(loopStart) / 1_000 };
      },
    );
  },
};
