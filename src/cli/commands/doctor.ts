import type { Command } from 'commander';
import type { Redis } from 'ioredis';
import { daemonDefaults } from '../../server/config.js';
import { InvalidConfigError } from '../../protocol/errors.js';
import { assertId } from '../../protocol/ids.js';
import type { Store } from '../../store/port.js';
import { openStore } from '../context.js';
import { doctorExit, fail, guarded, type Check } from '../doctor/check.js';
import { clockCheck, clusterStateCheck, evictionCheck, latencyCheck, parseInfo, permissionsCheck, persistenceCheck, versionCheck } from '../doctor/redis-checks.js';
import { fleetChecks, leaderCheck, secretChecks, ttlCheck } from '../doctor/state-checks.js';
import { action } from '../io/fail.js';
import { paint, printJson, printTable, type Style } from '../io/output.js';
import { connectRawServers, redisUrl, type RawServers } from '../raw-redis.js';
import { optionalKeyring, storeFlags, type ReadFlags } from '../read-context.js';

const STYLE: Record<string, Style> = { pass: 'green', warn: 'yellow', fail: 'red' };
/** The checks that read the coordinators' state through the store. */
const STORE_CHECKS = ['supervisor.leader', 'coordinators.stale', 'keys.ttl'] as const;

/** `rendezvous doctor`: every check passes, warns or fails, with what to do; exit 0 / 1 / 2. */
export function registerDoctor(program: Command): void {
  storeFlags(program.command('doctor').description('check Redis, the secret and the coordinators\' state; each check says pass, warn or fail and what to do'))
    .option('--namespace <ns>', "the supervisors' election namespace", daemonDefaults.namespace)
    .addHelpText('after', '\nExit codes (doctor only): 0 every check passed, 1 a warning, 2 a failure (also: Redis unreachable, bad flags).')
    .action(
      action('doctor', async (flags: ReadFlags & { namespace: string }) => {
        assertId(flags.namespace, 'namespace');
        const checks = await runChecks(flags);
        const status = doctorExit(checks);
        if (flags.json) printJson({ status: (['pass', 'warn', 'fail'] as const)[status], checks });
        else {
          printTable(['CHECK', 'STATUS', 'DETAIL'], checks.map((c) => [c.name, paint(c.status, STYLE[c.status]!), c.detail]));
          // Said once, however many servers (a Cluster's masters) it applies to.
          const todo = [...new Set(checks.filter((c) => c.fix).map((c) => `  ${c.name}: ${c.fix}`))];
          if (todo.length > 0) process.stdout.write(`\nwhat to do:\n${todo.join('\n')}\n`);
        }
        return status;
      }),
    );
}

async function runChecks(flags: ReadFlags & { namespace: string }): Promise<Check[]> {
  const env = process.env;
  const url = redisUrl(flags, env);
  let raw: RawServers;
  try {
    // A doctor reports an unreachable Redis, it does not wait for it.
    raw = await connectRawServers(url, flags.redisUrl === undefined ? 'REDIS_URL' : '--redis-url', env);
  } catch (error) {
    if (error instanceof InvalidConfigError) throw error;
    return [unreachable(error), ...secretChecks(env)];
  }
  // A Cluster master down while others answer: said, and the others checked.
  const checks: Check[] = raw.unreachable.map(({ node, error }) => unreachable(error, node));
  try {
    for (const server of raw.servers) {
      const found = await serverChecks(server.client);
      checks.push(...(raw.named ? found.map((check) => ({ ...check, detail: `${server.node}: ${check.detail}` })) : found));
    }
  } finally {
    raw.disconnect();
  }
  checks.push(...secretChecks(env));
  let store: Store;
  try {
    // A doctor reports a store that does not open within 4 s, it does not wait the daemon's 10.
    store = await openStore(flags, env, 2_000);
  } catch (error) {
    // The servers answered but the store would not open (a Cluster with a master down refuses key commands): its checks fail, the rest stand.
    const reason = `could not check: the store did not open: ${error instanceof Error ? error.message : String(error)}`;
    return [...checks, ...STORE_CHECKS.map((name) => fail(name, reason, 'see redis.reachable and the message; on a Cluster, CLUSTER INFO on a master says its state'))];
  }
  try {
    checks.push(...(await guarded('supervisor.leader', () => leaderCheck(store, flags.namespace, optionalKeyring(env)))));
    checks.push(...(await guarded('coordinators.stale', () => fleetChecks(store))));
    checks.push(...(await guarded('keys.ttl', () => ttlCheck(store))));
  } finally {
    await store.close();
  }
  return checks;
}

function unreachable(error: unknown, node?: string): Check {
  const reason = `cannot connect: ${error instanceof Error ? error.message : String(error)}`;
  return fail('redis.reachable', node === undefined ? reason : `${node}: ${reason}`, 'check REDIS_URL, that Redis runs, and the network path (redis-cli -h HOST -p PORT PING)');
}

/** The checks of one Redis server (each master of a Cluster has its own settings and clock). */
async function serverChecks(client: Redis): Promise<Check[]> {
  const checks = await guarded('redis.latency', () => latencyCheck(client));
  const info = parseInfo(String(await client.info()));
  const save = await client.config('GET', 'save').then((r) => (r as string[])[1], () => undefined);
  checks.push(versionCheck(info), persistenceCheck(info, save), evictionCheck(info));
  if (info.get('cluster_enabled') === '1') checks.push(...(await guarded('redis.cluster', () => clusterStateCheck(client))));
  checks.push(...(await guarded('redis.permissions', () => permissionsCheck(client))));
  checks.push(...(await guarded('clock.drift', () => clockCheck(client))));
  return checks;
}
