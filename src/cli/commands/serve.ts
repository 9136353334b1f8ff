import type { Command } from 'commander';
import { redactError } from '../../protocol/redact.js';
import type { DaemonFlags } from '../../server/config.js';
import type { Daemon } from '../../server/daemon.js';
import { EXIT } from '../exit-codes.js';
import { exitCodeOf } from '../io/fail.js';

/** `rendezvous serve`: the daemon (src/server/daemon.ts) in the foreground until SIGTERM or SIGINT. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the daemon: the elected supervisor, the scheduled cleanup, the ops HTTP API, /metrics and the dashboard')
    .option('--host <host>', 'address to bind (env RENDEZVOUS_HOST)', undefined)
    .option('--port <port>', 'port; 0 picks a free one (env RENDEZVOUS_PORT)', undefined)
    .option('--redis-url <url>', 'Redis to use (env REDIS_URL); without one, the embedded store')
    .option('--no-mutations', 'answer 403 on every route that changes state (env RENDEZVOUS_API_MUTATIONS=false)')
    .option('--namespace <ns>', "the supervisors' election namespace", undefined)
    .option('--cleanup-interval-ms <ms>', 'stale-state cleanup period on the leader (env RENDEZVOUS_CLEANUP_INTERVAL_MS)')
    .option('--check-interval-ms <ms>', 'supervisor check period (default 30000)')
    .option('--dead-threshold-ms <ms>', 'silence after which a coordinator is dead (env DEAD_THRESHOLD, default 120000)')
    .option('--max-warnings <n>', 'warnings before escalation (default 3)')
    .option('--lease-timeout-ms <ms>', "the election's lease (default 15000)")
    .option('--keepalive-ms <ms>', 'event stream keepalive period (default 15000)')
    .option('--sse-buffer-bytes <bytes>', 'unsent bytes an event stream client may fall behind before it is dropped (default 1048576)')
    .addHelpText('after', '\nTokens come from the environment only: RENDEZVOUS_API_TOKEN (read-write), RENDEZVOUS_API_READ_TOKEN (read-only).\nExit codes: 0 clean stop, 1 runtime failure, 2 usage or configuration. See docs/operations.md.')
    .action(async (flags: DaemonFlags & { redisUrl?: string }) => {
      process.exitCode = await serve(flags);
    });
}

async function serve(flags: DaemonFlags & { redisUrl?: string }): Promise<number> {
  // Loaded here, not at the top: every other command (agents call theirs in loops) starts without the daemon's modules.
  const [{ defaultLogger }, { resolveDaemonConfig }, { Daemon }] = await Promise.all([import('../../store/default-logger.js'), import('../../server/config.js'), import('../../server/daemon.js')]);
  let logger;
  let daemon: Daemon;
  try {
    logger = defaultLogger();
    const config = resolveDaemonConfig(flags, process.env);
    daemon = await Daemon.start({ config, env: process.env, logger, ...(flags.redisUrl ? { redisUrl: flags.redisUrl } : {}) });
  } catch (error) {
    // serve's start fails with 2 (fix the configuration) or 1 (anything else), as operations.md says.
    const config = exitCodeOf(error) === EXIT.CONFIG;
    const safe = redactError(error);
    (logger ?? console).error({ err: safe }, 'rendezvous serve could not start');
    process.stderr.write(`rendezvous serve: ${safe instanceof Error ? safe.message : String(safe)}\n`);
    return config ? EXIT.CONFIG : EXIT.FAILURE;
  }
  // The first stdout line says where it listens (with --port 0, the only way to know).
  process.stdout.write(`listening on ${daemon.url}\n`);
  logger.info({ url: daemon.url }, 'daemon started');
  // A promise some part forgot to handle is a bug to log, not a reason to drop the supervisor and every client.
  process.on('unhandledRejection', (reason) => logger.error({ err: redactError(reason) }, 'unhandled rejection (kept running)'));

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const stop = (name: NodeJS.Signals) => {
      // A second signal while stopping: leave now.
      process.on('SIGTERM', () => process.exit(EXIT.FAILURE));
      process.on('SIGINT', () => process.exit(EXIT.FAILURE));
      resolve(name);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  logger.info({ signal }, 'stopping');
  const bound = 20_000;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), bound)));
  const outcome = await Promise.race([daemon.stop().then(() => 'stopped' as const, (error: unknown) => (logger.error({ err: redactError(error) }, 'shutdown failed'), 'failed' as const)), late]);
  clearTimeout(timer);
  if (outcome !== 'stopped') {
    logger.error({ outcome, boundMs: bound }, 'shutdown did not complete cleanly');
    // Something still holds the event loop: leave now rather than hang a service manager.
    setImmediate(() => process.exit(EXIT.FAILURE));
    return EXIT.FAILURE;
  }
  return EXIT.OK;
}
