import { below, type Row } from '../figures.js';
import { runSettledMemory } from '../scenarios/settled-memory.js';
import { contextFor, type BenchEnv } from './context.js';

/**
 * Row 9: what a pair of coordinators still holds after many large round trips are settled. On
 * Redis, so that the store's own records (ACKs kept an hour) are not in the process's heap.
 */
export async function settledMemoryRow(env: BenchEnv): Promise<Row> {
  const counts = env.profile.settled;
  const kb = counts.payloadBytes / 1_024;
  env.log(`  9 memory after ${counts.roundTrips} settled round trips of ${kb} KB ...`);
  const result = await runSettledMemory(contextFor(env, 'settled-memory'), counts);
  return {
    id: '9',
    key: 'memory-after-settled',
    title: `memory after ${counts.roundTrips.toLocaleString('en-US')} settled ${kb} KB round trips`,
    figures: [{ metric: 'heap', unit: 'MB per coordinator', ours: result.heapBytesPerCoordinator / 1_048_576, decimals: 1, target: below(4, 'MB') }],
    details: { ...counts, heapBeforeBytes: result.heapBeforeBytes, heapAfterBytes: result.heapAfterBytes },
  };
}
