import type { Command } from 'commander';
import { readSwarm } from '../../server/read-model/swarm-reader.js';
import type { SwarmView } from '../../server/read-model/coordinator-view.js';
import { NotFoundError } from '../../protocol/errors.js';
import { assertId } from '../../protocol/ids.js';
import { withStore } from '../context.js';
import { action } from '../io/fail.js';
import { cell, paint, printJson, printTable, type Style } from '../io/output.js';
import { age, deadThresholdMs, storeFlags, type ReadFlags } from '../read-context.js';

const STATE_STYLE: Record<string, Style> = { alive: 'green', warned: 'yellow', dead: 'red', replaced: 'dim' };

/** `rendezvous coordinators [--swarm S]`: the daemon's read model (GET /api/coordinators), read straight from Redis. */
export function registerCoordinators(program: Command): void {
  storeFlags(
    program
      .command('coordinators')
      .description('every coordinator of every swarm (or of one): state, heartbeat age, phase, pending signals, deadlocks')
      .option('--swarm <swarm>', 'one swarm only'),
  )
    .addHelpText('after', '\nStates: alive, warned (the supervisor warned it), dead (silent past DEAD_THRESHOLD), replaced.\nExit codes: 0 listed, 2 bad flags, 3 --swarm has no coordinators, 4 Redis unreachable.')
    .action(
      action('coordinators', async (flags: ReadFlags & { swarm?: string }) => {
        if (flags.swarm !== undefined) assertId(flags.swarm, 'swarm id');
        const doc = await withStore(flags, (store) => readCoordinators(store, flags.swarm));
        if (flags.swarm !== undefined && doc.swarms[0]!.coordinators.length === 0) {
          throw new NotFoundError(`Swarm ${flags.swarm} (no coordinator registered; \`rendezvous coordinators\` lists every swarm)`, { swarmId: flags.swarm });
        }
        if (flags.json) return printJson(doc);
        printCoordinators(doc.swarms);
      }),
    );
}

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
