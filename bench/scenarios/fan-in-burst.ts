import type { BlockingCoordinator } from '../../src/index.js';
import { withLoops } from '../coordinators.js';
import { runCount, type Timed } from '../load.js';
import type { ScenarioContext } from '../scenario.js';
import { fanInRound, startFanInGroup, type AnswerBy, type FanInGroup } from './fan-in.js';

export interface BurstCounts {
  /** Rounds in flight at once: one owner/validator group per round in flight. */
  inFlight: number;
  warmup: number;
  rounds: number;
}

/**
 * Fan-in rounds under load: `inFlight` owner + 3 validator groups on one store, each running
 * rounds back to back, so `inFlight` rounds are in flight until the last ones end.
 */
export async function runFanInBurst(context: ScenarioContext, counts: BurstCounts, answerBy: AnswerBy): Promise<Timed> {
  const groups: FanInGroup[] = [];
  try {
    for (let g = 0; g < counts.inFlight; g += 1) groups.push(await startFanInGroup(context, `-${answerBy}-g${g}`, answerBy));
  } catch (error) {
    await Promise.allSettled(groups.flatMap((group) => group.coordinators.map((c) => c.stop())));
    throw error;
  }
  const coordinators: BlockingCoordinator[] = groups.flatMap((group) => group.coordinators);
  return withLoops(
    coordinators,
    (stop) => groups.flatMap((group) => group.loops(stop)),
    async () => {
      const round = (loop: number, n: number) => fanInRound(groups[loop]!, n);
      await runCount(counts.inFlight, counts.warmup, round);
      return runCount(counts.inFlight, counts.rounds, (loop, n) => round(loop, counts.warmup + n));
    },
  );
}
