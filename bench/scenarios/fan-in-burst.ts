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

/**
 * Bursts on several contexts (metrics off and on, each a store of its own) in alternating blocks
 * (order reversed every block), so that all see the same machine: `counts.inFlight` groups per
 * context, started together, warmed up in turn, then `blocks` blocks of `counts.rounds` timed
 * rounds each per context (whole bursts: each ramps up and drains once, as a single burst does).
 * One Timed per context, its wall time and CPU the sum of its blocks'.
 */
export async function runFanInBursts(contexts: readonly ScenarioContext[], counts: BurstCounts, answerBy: AnswerBy, blocks: number): Promise<Timed[]> {
  const sides: FanInGroup[][] = contexts.map(() => []);
  try {
    // Interleaved (one group of each context in turn): the groups started first ran measurably
    // costlier bursts than those started after them, whichever context they belonged to.
    for (let g = 0; g < counts.inFlight; g += 1) {
      for (const [i, context] of contexts.entries()) sides[i]!.push(await startFanInGroup(context, `-${answerBy}-g${g}`, answerBy));
    }
  } catch (error) {
    await Promise.allSettled(sides.flat().flatMap((group) => group.coordinators.map((c) => c.stop())));
    throw error;
  }
  const coordinators: BlockingCoordinator[] = sides.flat().flatMap((group) => group.coordinators);
  let n = 0;
  const burst = (groups: FanInGroup[], rounds: number) => runCount(counts.inFlight, rounds, (loop) => fanInRound(groups[loop]!, n++));
  return withLoops(
    coordinators,
    (stop) => sides.flat().flatMap((group) => group.loops(stop)),
    async () => {
      for (const groups of sides) await burst(groups, counts.warmup);
      const results: Timed[] = sides.map(() => ({ samplesUs: [], elapsedMs: 0, cpuUs: 0 }));
      for (let block = 0; block < blocks; block += 1) {
        const order = sides.map((_, i) => i);
        for (const i of block % 2 === 0 ? order : order.reverse()) {
          const timed = await burst(sides[i]!, counts.rounds);
          const result = results[i]!;
          result.samplesUs.push(...timed.samplesUs);
          result.elapsedMs += timed.elapsedMs;
          result.cpuUs = (result.cpuUs ?? 0) + (timed.cpuUs ?? 0);
        }
      }
      return results;
    },
  );
}
