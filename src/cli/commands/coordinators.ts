import type { Command } from 'commander';
import { NotFoundError } from '../../protocol/errors.js';
import { assertId } from '../../protocol/ids.js';
import { withStore } from '../context.js';
import { action } from '../io/fail.js';
import { printCoordinators, readCoordinators } from '../coordinators-reader.js';
import { printJson } from '../io/output.js';
import { storeFlags, type ReadFlags } from '../read-context.js';

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
