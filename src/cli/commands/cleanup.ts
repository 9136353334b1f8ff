import type { Command } from 'commander';
import { InvalidConfigError } from '../../protocol/errors.js';
import { cleanupStaleState } from '../../supervision/cleanup.js';
import { cleanupDefaults } from '../../supervision/cleanup-options.js';
import { quiet, withStore } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { parseDuration } from '../io/duration.js';
import { action } from '../io/fail.js';
import { printJson, printTable } from '../io/output.js';
import { progress } from '../io/progress.js';
import { storeFlags, type ReadFlags } from '../read-context.js';

interface CleanupFlags extends ReadFlags {
  dryRun?: boolean;
  execute?: boolean;
  threshold: string;
}


/** `rendezvous cleanup`: the library's cleanupStaleState (SCAN batches, exact id segments); a dry run unless --execute. */
export function registerCleanup(program: Command): void {
  storeFlags(
    program
      .command('cleanup')
      .description("remove the transient state of coordinators silent past the threshold (heartbeat, inbox, ACKs, idempotency records, warnings, activity, registry entry); give TTL-less blocking:* keys 24 h")
      .option('--dry-run', 'report what would be removed, change nothing (the default)')
      .option('--execute', 'remove it (judged again at that moment)')
      .option('--threshold <duration>', 'silence after which a coordinator is stale: 500ms, 60s, 10m', `${cleanupDefaults.staleThresholdMs / 60_000}m`),
  )
    .addHelpText('after', '\nNever touched: work items, escalation records, spawn requests, the swarm event log, election keys.\nExit codes: 0 done, 1 some steps failed (see errors; run again), 2 bad flags, 4 Redis unreachable.')
    .action(
      action('cleanup', async (flags: CleanupFlags) => {
        if (flags.dryRun && flags.execute) throw new InvalidConfigError('--dry-run and --execute exclude each other');
        const staleThresholdMs = parseDuration(flags.threshold, '--threshold');
        if (staleThresholdMs < 1000) throw new InvalidConfigError('--threshold must be at least 1s (ages are compared in whole seconds)');
        const dryRun = flags.execute !== true;
        const report = await withStore(flags, async (store) => {
          const bar = progress((steps, ms) => `cleanup ${dryRun ? '(dry run) ' : ''}${steps} store steps, ${(ms / 1000).toFixed(1)} s`, !flags.json && process.stderr.isTTY === true);
          const stop = store.observeOperations(() => bar.tick());
          try {
            return await cleanupStaleState(store, { dryRun, staleThresholdMs, logger: quiet });
          } finally {
            stop();
            bar.done();
          }
        });
        if (flags.json) printJson(report);
        else {
          printTable(['CHECKED', 'STALE', 'KEYS DELETED', 'TTLS FIXED', 'ERRORS', 'DURATION'], [[String(report.checked), String(report.stale), String(report.keysDeleted), String(report.ttlsFixed), String(report.errors), `${report.durationMs}ms`]]);
          if (report.staleCoordinators.length > 0) process.stdout.write(`stale: ${report.staleCoordinators.join(' ')}\n`);
          if (dryRun) {
            process.stdout.write(`dry run: would delete ${report.wouldDelete.length} keys, give ${report.wouldFixTtl.length} a 24 h TTL; --execute to apply\n`);
            for (const key of report.wouldDelete) process.stdout.write(`  delete ${key}\n`);
            for (const key of report.wouldFixTtl) process.stdout.write(`  ttl    ${key}\n`);
          }
        }
        return report.errors > 0 ? EXIT.FAILURE : EXIT.OK;
      }),
    );
}
