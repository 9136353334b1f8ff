import { atMost, below, type Figure, type Row, type Target } from '../figures.js';
import { runIdleFleet, type FleetSide, type WindowCollections } from '../scenarios/idle-fleet.js';
import { cpuFigure, type BenchEnv } from './context.js';

/**
 * Rows 5 (metrics off), 5+m (on) and 8, from two idle fleets side by side (metrics off and on,
 * each in a process of its own): heartbeat cost (commands/s, CPU, CPU per heartbeat: the median
 * window's, and all windows' with the start's one-off collections), and heap per coordinator.
 */
export async function fleetRows(env: BenchEnv): Promise<Row[]> {
  const counts = env.profile.fleet;
  env.log(`  5, 8 idle fleet: ${counts.coordinators} coordinators, metrics off and on, side by side in processes of their own: ${counts.warmupMs} ms of beats, then ${counts.windows} windows of ${counts.windowMs} ms measured ...`);
  const result = await runIdleFleet(env.secret, counts);
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
        ...perBeatFigures(result.off, perBeat),
        ...collections(result.off.gc),
      ],
      details: { ...counts, ...result.off },
    },
    {
      id: '5+m',
      key: 'heartbeats-metrics-on',
      title: `heartbeats, ${n} coordinators, metrics on`,
      figures: [
        { metric: 'CPU', unit: '% of a core', ours: result.on.cpuPercent, decimals: 2 },
        ...perBeatFigures(result.on, perBeat),
        ...collections(result.on.gc),
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

/** The median window's CPU per heartbeat (the target's), then all windows' together. */
function perBeatFigures(side: FleetSide, target: Target): Figure[] {
  return [cpuFigure(side.cpuUsPerBeat, undefined, 'heartbeat, median window', target), cpuFigure(side.cpuUsPerBeatAll, undefined, 'heartbeat, all windows')];
}

/** The windows' major collections beside the figures: most of what one window reads above another. */
function collections(gc: WindowCollections): Figure[] {
  return [
    { metric: 'major GCs in the windows', unit: 'count', ours: gc.major },
    { metric: 'their main-thread pauses', unit: 'ms', ours: gc.majorMs, decimals: 1 },
  ];
}
