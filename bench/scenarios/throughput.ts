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

/**
 * Throughput on several contexts (metrics off and on) in alternating windows (order reversed every
 * window): `counts.pairs` pairs per context, started together; `windows` windows of
 * `counts.windowMs / windows` each per context, each after its own `counts.warmupMs / windows` warm-up.
 */
export async function runThroughputs(contexts: readonly ScenarioContext[], counts: ThroughputCounts, windows: number): Promise<Windowed[]> {
  const sides: Pair[][] = contexts.map(() => []);
  try {
    // Interleaved, one pair of each context in turn, as the bursts' groups (fan-in-burst.ts).
    for (let p = 0; p < counts.pairs; p += 1) {
      for (const [i, context] of contexts.entries()) sides[i]!.push(await startPair(context, `-p${p}`));
    }
  } catch (error) {
    await Promise.allSettled(sides.flat().flatMap((pair) => pair.coordinators.map((c) => c.stop())));
    throw error;
  }
  const coordinators: BlockingCoordinator[] = sides.flat().flatMap((pair) => pair.coordinators);
  return withLoops(
    coordinators,
    (stop) => sides.flat().flatMap((pair) => pair.loops(stop)),
    async () => {
      const results: Windowed[] = sides.map(() => ({ completed: 0, windowMs: 0, total: 0, cpuUs: 0 }));
      for (let w = 0; w < windows; w += 1) {
        const order = sides.map((_, i) => i);
        for (const i of w % 2 === 0 ? order : order.reverse()) {
          const pairs = sides[i]!;
          const window = await runWindow(counts.pairs, counts.warmupMs / windows, counts.windowMs / windows, (loop, n) => roundTrip(pairs[loop]!.sender, pairs[loop]!.receiverId, n));
          const result = results[i]!;
          result.completed += window.completed;
          result.windowMs += window.windowMs;
          result.total += window.total;
          result.cpuUs += window.cpuUs;
        }
      }
      return results;
    },
  );
}
