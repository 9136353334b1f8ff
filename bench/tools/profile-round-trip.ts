/**
 * Diagnostic: runs only the round-trip (fan-in, or fan-in burst) scenario on a private Redis, for a CPU profile:
 *
 *   node --cpu-prof --cpu-prof-dir=bench/results/prof --import tsx bench/tools/profile-round-trip.ts [iterations] [round-trip|fan-in|burst]
 *   npx tsx bench/tools/summarize-profile.ts bench/results/prof/<file>.cpuprofile
 */
import '../quiet.js';
import { createStore } from '../../src/index.js';
import { startRedis } from '../../test/support/redis-server.js';
import { newSecret } from '../scenario.js';
import { fanInScenario } from '../scenarios/fan-in.js';
import { runFanInBurst } from '../scenarios/fan-in-burst.js';
import { roundTripScenario } from '../scenarios/round-trip.js';
import { summarize } from '../stats.js';

const iterations = Number(process.argv[2] ?? 20_000);
const which = process.argv[3] ?? 'round-trip';
const scenario = which === 'fan-in' ? fanInScenario : roundTripScenario;

async function main(): Promise<void> {
  const server = await startRedis();
  try {
    const store = await createStore({ url: server.url });
    try {
      const context = { store, swarmId: 'profile', secret: newSecret(), counts: { warmup: 1_000, measured: iterations } };
      const result =
        which === 'burst' ? await runFanInBurst(context, { inFlight: 50, warmup: 200, rounds: iterations }, 'ack') : await scenario.run(context);
      const s = summarize(result.samplesUs, result.elapsedMs);
      console.log(`${which} on redis: n ${s.n}, p50 ${Math.round(s.p50Us)} µs, p99 ${Math.round(s.p99Us)} µs, ${Math.round(s.ratePerSec)}/s`);
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
