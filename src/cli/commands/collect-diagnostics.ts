import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { withStore } from '../context.js';
import { collectDiagnostics } from '../diagnostics.js';
import { action } from '../io/fail.js';
import { connectRawServers, redisUrl } from '../raw-redis.js';

/** `rendezvous collect-diagnostics [-o FILE]`: one JSON bundle to attach to an issue or hand to support. */
export function registerCollectDiagnostics(program: Command): void {
  program
    .command('collect-diagnostics')
    .description('one JSON bundle: Redis INFO, key counts by kind, coordinators, pending signals, leaders, recent events, configuration with secrets removed')
    .option('-o, --output <file>', 'write it here (mode 0600) instead of stdout')
    .option('--redis-url <url>', "the coordinators' Redis (env REDIS_URL)")
    .addHelpText('after', '\nSecrets, tokens and passwords are never included: secrets appear as their fingerprints, payloads are left out.\nExit codes: 0 written, 2 bad flags, 4 Redis unreachable, 1 the file could not be written.')
    .action(
      action('collect-diagnostics', async (flags: { output?: string; redisUrl?: string }) => {
        const url = redisUrl(flags);
        const bundle = await withStore(flags, async (store) => {
          const raw = await connectRawServers(url, flags.redisUrl === undefined ? 'REDIS_URL' : '--redis-url');
          try {
            return await collectDiagnostics(store, raw, process.env);
          } finally {
            raw.disconnect();
          }
        });
        const text = `${JSON.stringify(bundle, null, 2)}\n`;
        if (flags.output === undefined) return void process.stdout.write(text);
        writeFileSync(flags.output, text, { mode: 0o600 });
        process.stderr.write(`wrote ${flags.output} (${text.length} bytes)\n`);
      }),
    );
}
