import type { Command } from 'commander';
import { NotFoundError } from '../../protocol/errors.js';
import { assertId } from '../../protocol/ids.js';
import { globalKeys } from '../../protocol/keys.js';
import { withStore } from '../context.js';
import { action } from '../io/fail.js';
import { cell, paint, printJson, printTable } from '../io/output.js';
import { readLeaders } from '../leaders-reader.js';
import { age, optionalKeyring, storeFlags, type ReadFlags } from '../read-context.js';

/** `rendezvous leaders` and `rendezvous leaders release NAMESPACE`. */
export function registerLeaders(program: Command): void {
  const leaders = storeFlags(
    program
      .command('leaders')
      .description('every election namespace: its leader (its sealed lease verified with BLOCKING_COORDINATION_SECRET), epoch, lease left, workers'),
  )
    .addHelpText('after', '\nVerdicts: held (verified), free, forged (a record that does not verify), unverified (no secret set here).\nExit codes: 0 listed, 2 bad flags, 4 Redis unreachable.')
    .action(
      action('leaders', async (flags: ReadFlags) => {
        const views = await withStore(flags, (store) => readLeaders(store, optionalKeyring()));
        if (flags.json) return printJson({ namespaces: views });
        printTable(
          ['NAMESPACE', 'LEADER', 'EPOCH', 'LEASE LEFT', 'VERDICT', 'WORKERS'],
          views.map((v) => [v.namespace, v.leaderId ?? v.storedHolder ?? '-', cell(v.epoch), v.leaseRemainingMs === null ? '-' : age(v.leaseRemainingMs), v.verdict === 'held' ? paint('held', 'green') : v.verdict === 'free' ? v.verdict : paint(v.forged ? `forged: ${v.forged}` : v.verdict, 'red'), v.workers.map((w) => w.workerId).join(',') || '-']),
        );
      }),
    );

  storeFlags(
    leaders
      .command('release')
      .argument('<namespace>', 'the election namespace (the daemon\'s is "supervisor")')
      .description("force a new election: delete the namespace's lease (the runbook's stuck-leader recovery). Followers take it with the next epoch; the old leader's fenced writes are refused"),
  )
    .addHelpText('after', '\nThe epoch counter is never touched (epochs must not go back). Stop a stuck leader gracefully first if you can.\nExit codes: 0 released, 2 bad namespace, 3 nobody holds the lease, 4 Redis unreachable.')
    // `leaders` has --json and --redis-url too: commander gives them to the parent, so they are merged back.
    .action((namespace: string, _flags: ReadFlags, command: Command) => release(namespace, command.optsWithGlobals<ReadFlags>(), command));
}

/** Deletes the lease only (never the epoch counter): the runbook's stuck-leader recovery. */
const release = action('leaders release', async (namespace: string, flags: ReadFlags, _command: Command) => {
  assertId(namespace, 'namespace');
  const result = await withStore(flags, async (store) => {
    const before = await store.readLease(namespace);
    if (before.holder === null) throw new NotFoundError(`A lease in namespace ${namespace} (nobody leads it)`, { namespace });
    await store.deleteKeys([globalKeys.leader(namespace)]);
    return { namespace, released: true, previousHolder: before.holder, epoch: before.epoch };
  });
  if (flags.json) return printJson(result);
  process.stdout.write(`released the lease of ${namespace} (held by ${result.previousHolder}, epoch ${result.epoch}): a follower takes it with the next epoch\n`);
});
