/**
 * Diagnostic: runs only the round-trip scenario on a private Redis, for a CPU profile:
 *
 *   node --cpu-prof --cpu-prof-dir=bench/results/prof --import tsx bench/tools/profile-round-trip.ts [iterations]
 *   npx tsx bench/tools/summarize-profile.ts bench/results/prof/<file>.cpuprofile
 */
import '../quiet.js';
import { createStore } from '../../src/index.js';
import { startRedis } from '../../test/support/redis-server.js';
import { newSecret } from '../scenario.js';
import { roundTripScenario } from '../scenarios/round-trip.js';
import { summarize } from '../stats.js';

const iterations = Number(process.argv[2] ?? 20_000);

async function main(): Promise<void> {
  const server = await startRedis();
  try {
    const store = await createStore({ url: server.url });
    try {
      const result = await roundTripScenario.run({ store, swarmId: 'profile', secret: newSecret(), counts: { warmup: 1_000, measured: iterations } });
      const s = summarize(result.samplesUs, result.elapsedMs);
      console.log(`round trip on redis: n ${s.n}, p50 ${Math.round(s.p50Us)} µs, p99 ${Math.round(s.p99Us)} µs, ${Math.round(s.ratePerSec)}/s`);
    } finally {
      await store.close();
    }
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
