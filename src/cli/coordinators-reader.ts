/** The daemon's read model of swarms (GET /api/coordinators), read straight from Redis, and its table. */
import type { SwarmView } from '../server/read-model/coordinator-view.js';
import { readSwarm } from '../server/read-model/swarm-reader.js';
import { cell, paint, printTable, type Style } from './io/output.js';
import { age, deadThresholdMs } from './read-context.js';

const STATE_STYLE: Record<string, Style> = { alive: 'green', warned: 'yellow', dead: 'red', replaced: 'dim' };

type ReadStore = Parameters<typeof readSwarm>[0] & { time(): Promise<number>; listSwarms(): Promise<string[]> };

/** The same document as GET /api/coordinators: `{generatedAt, swarms: SwarmView[]}`. */
export async function readCoordinators(store: ReadStore, swarm?: string): Promise<{ generatedAt: number; swarms: SwarmView[] }> {
  const generatedAt = await store.time();
  const swarmIds = swarm === undefined ? (await store.listSwarms()).sort() : [swarm];
  const options = { deadThresholdMs: deadThresholdMs() };
  const swarms = await Promise.all(swarmIds.map((id) => readSwarm(store, id, generatedAt, options)));
  return { generatedAt, swarms };
}

export function printCoordinators(swarms: readonly SwarmView[]): void {
  const rows = swarms.flatMap((s) =>
    s.coordinators.map((c) => [s.swarmId, c.id, paint(c.state, STATE_STYLE[c.state] ?? 'dim'), age(c.heartbeatAgeMs), cell(c.status), cell(c.phase), cell(c.iteration), String(c.pendingSignals), String(c.warnings), c.waitingFor.join(',') || '-', c.replacedBy ?? '-']),
  );
  printTable(['SWARM', 'COORDINATOR', 'STATE', 'AGE', 'STATUS', 'PHASE', 'ITER', 'PENDING', 'WARN', 'WAITING FOR', 'REPLACED BY'], rows);
  for (const s of swarms) for (const d of s.deadlocks) process.stdout.write(`${paint('deadlock', 'red')} in ${s.swarmId}: ${d.cycle.join(' -> ')}\n`);
}
