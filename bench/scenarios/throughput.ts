import type { BlockingCoordinator } from '../../src/index.js';
import { withLoops } from '../coordinators.js';
import { runWindow, type Windowed } from '../load.js';
import type { ScenarioContext } from '../scenario.js';
import { roundTrip, startPair, type Pair } from './round-trip.js';

export interface ThroughputCounts {
  pairs: number;
  warmupMs: number;
  windowMs: number;
}

/**
 * Signals with ACKs per second: `pairs` sender/receiver pairs on one store, each sender sending
 * its next signal as soon as the ACK of the last one is back.
 */
export async function runThroughput(context: ScenarioContext, counts: ThroughputCounts): Promise<Windowed> {
  const pairs: Pair[] = [];
  try {
    for (let p = 0; p < counts.pairs; p += 1) pairs.push(await startPair(context, `-p${p}`));
  } catch (error) {
    await Promise.allSettled(pairs.flatMap((pair) => pair.coordinators.map((c) => c.stop())));
    throw error;
  }
  const coordinators: BlockingCoordinator[] = pairs.flatMap((pair) => pair.coordinators);
  return withLoops(
    coordinators,
    (stop) => pairs.flatMap((pair) => pair.loops(stop)),
    () => runWindow(counts.pairs, counts.warmupMs, counts.windowMs, (loop, n) => roundTrip(pairs[loop]!.sender, pairs[loop]!.receiverId, n)),
  );
}
