import { atMost, below, type Row } from '../figures.js';
import { runIdleFleet } from '../scenarios/idle-fleet.js';
import { contextFor, cpuFigure, type BenchEnv } from './context.js';

/**
 * Rows 5 (metrics off), 5+m (on) and 8, from one idle fleet: heartbeat cost (commands/s, CPU,
 * CPU per heartbeat) and heap per coordinator.
 */
export async function fleetRows(env: BenchEnv): Promise<Row[]> {
  const counts = env.profile.fleet;
  env.log(`  5, 8 idle fleet: ${counts.coordinators} coordinators, ${counts.windowMs} ms with metrics off and ${counts.windowMs} ms on, in alternating 5 s windows ...`);
  const result = await runIdleFleet({ ...contextFor(env, 'fleet'), url: env.url }, counts);
  const n = counts.coordinators.toLocaleString('en-US');
  const perBeat = atMost(40, 'µs');
  return [
    {
      id: '5',
      key: 'heartbeats',
      title: `heartbeats, ${n} coordinators at the default 5 s`,
      figures: [
        { metric: 'Redis', unit: 'commands/s', ours: result.off.commandsPerSec },
        { metric: 'CPU', unit: '% of a core', ours: result.off.cpuPercent, decimals: 2, target: below(2, '% of a core') },
        cpuFigure(result.off.cpuUsPerBeat, undefined, 'heartbeat', perBeat),
      ],
      details: { ...counts, ...result.off },
    },
    {
      id: '5+m',
      key: 'heartbeats-metrics-on',
      title: `heartbeats, ${n} coordinators, metrics on`,
      figures: [
        { metric: 'CPU', unit: '% of a core', ours: result.on.cpuPercent, decimals: 2 },
        cpuFigure(result.on.cpuUsPerBeat, undefined, 'heartbeat', perBeat),
      ],
      details: { ...counts, ...result.on },
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
