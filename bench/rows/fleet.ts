import { below, type Row } from '../figures.js';
import { runIdleFleet } from '../scenarios/idle-fleet.js';
import { contextFor, type BenchEnv } from './context.js';

/** Rows 5 and 8, from one idle fleet: heartbeat cost (commands/s, CPU) and heap per coordinator. */
export async function fleetRows(env: BenchEnv): Promise<Row[]> {
  const counts = env.profile.fleet;
  env.log(`  5, 8 idle fleet: ${counts.coordinators} coordinators, ${counts.windowMs} ms window ...`);
  const result = await runIdleFleet({ ...contextFor(env, 'fleet'), url: env.url }, counts);
  const n = counts.coordinators.toLocaleString('en-US');
  return [
    {
      id: '5',
      key: 'heartbeats',
      title: `heartbeats, ${n} coordinators at the default 5 s`,
      figures: [
        { metric: 'Redis', unit: 'commands/s', ours: result.commandsPerSec },
        { metric: 'CPU', unit: '% of a core', ours: result.cpuPercent, decimals: 2, target: below(2, '% of a core') },
      ],
      details: { ...counts, windowMs: result.windowMs, commandsByName: result.commandsByName },
    },
    {
      id: '8',
      key: 'memory',
      title: `memory, ${n} idle coordinators`,
      figures: [{ metric: 'heap', unit: 'KB per coordinator', ours: result.heapBytesPerCoordinator / 1_024, decimals: 1, target: below(50, 'KB') }],
      details: { heapBeforeBytes: result.heapBeforeBytes, heapAfterBytes: result.heapAfterBytes },
    },
  ];
}
