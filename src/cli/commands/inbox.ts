import type { Command } from 'commander';
import { withStore } from '../context.js';
import { action } from '../io/fail.js';
import { cell, paint, printJson, printTable } from '../io/output.js';
import { readInbox } from '../inbox-reader.js';
import { optionalKeyring, storeFlags, type ReadFlags } from '../read-context.js';

/** `rendezvous inbox ID`: the signals waiting for a coordinator, each verified with this machine's secret, or why not. */
export function registerInbox(program: Command): void {
  storeFlags(
    program
      .command('inbox')
      .argument('<id>', 'the receiving coordinator')
      .description('pending (unacknowledged) signals of a coordinator, each verified with BLOCKING_COORDINATION_SECRET or the reason it does not verify')
      .option('--swarm <swarm>', 'its swarm (found from the registries when omitted)')
      .option('--payloads', 'include verified payloads in --json (they may hold user data)'),
  )
    .addHelpText('after', '\nNothing is consumed: the inbox is read with XRANGE, outside the consumer group.\nExit codes: 0 listed (even empty), 2 bad flags or id, 3 unknown coordinator, 4 Redis unreachable.')
    .action(
      action('inbox', async (id: string, flags: ReadFlags & { swarm?: string; payloads?: boolean }) => {
        const { bodies: _bodies, ...doc } = await withStore(flags, (store) => readInbox(store, id, flags.swarm, optionalKeyring(), flags.payloads === true));
        if (flags.json) return printJson(doc);
        if (!doc.secretSet) process.stderr.write('no BLOCKING_COORDINATION_SECRET: nothing can be verified\n');
        printTable(
          ['ENTRY', 'MESSAGE', 'TYPE', 'FROM', 'ITER', 'VERIFIED'],
          doc.pending.map((p) => [p.entryId, cell(p.messageId), cell(p.type), cell(p.senderId), cell(p.iteration), p.verified ? paint('yes', 'green') : paint(`no: ${p.reason}`, 'red')]),
        );
      }),
    );
}
