import { settledHeapUsed } from '../gc.js';
import type { ScenarioContext } from '../scenario.js';
import { withRoundTrips } from './round-trip.js';

export interface SettledCounts {
  /** Round trips, each a signal with a payload of `payloadBytes` then its ACK. */
  roundTrips: number;
  payloadBytes: number;
}

export interface SettledResult {
  /** heapUsed after GC, after the round trips minus before them, per coordinator of the pair. */
  heapBytesPerCoordinator: number;
  heapBeforeBytes: number;
  heapAfterBytes: number;
}

/**
 * What a pair of coordinators still holds after many large round trips are settled: the windows of
 * settled ids, recent ACKs and kept notices must hold copies of ids, not the messages they came in
 * (V8 keeps a whole string alive for as long as any slice of it lives).
 */
export async function runSettledMemory(context: ScenarioContext, counts: SettledCounts): Promise<SettledResult> {
  return withRoundTrips(context, async (roundTrip) => {
    await roundTrip(0); // the pair's fixed cost (feeds, first buffers) is before the baseline
    const heapBefore = settledHeapUsed();
    for (let i = 1; i <= counts.roundTrips; i += 1) await roundTrip(i, { text: 'p'.repeat(counts.payloadBytes) });
    const heapAfter = settledHeapUsed();
    return { heapBytesPerCoordinator: (heapAfter - heapBefore) / 2, heapBeforeBytes: heapBefore, heapAfterBytes: heapAfter };
  });
}
