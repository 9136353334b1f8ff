/** Doctor's checks of the Redis server itself: latency, version, persistence, eviction, permissions, clock. */
import type { Redis } from 'ioredis';
import { fail, pass, warn, type Check } from './check.js';

const PINGS = 50;

export function parseInfo(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0 && !line.startsWith('#')) map.set(line.slice(0, at), line.slice(at + 1));
  }
  return map;
}

/** Round trips of PING, p99 against the troubleshooting guide's 10 ms. */
export async function latencyCheck(client: Redis): Promise<Check> {
  const times: number[] = [];
  for (let i = 0; i < PINGS; i += 1) {
    const start = performance.now();
    await client.ping();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const p50 = times[Math.floor(PINGS * 0.5)]!;
  const p99 = times[Math.min(PINGS - 1, Math.ceil(PINGS * 0.99) - 1)]!;
  const detail = `reachable; ${PINGS} PINGs: p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms`;
  return p99 < 10 ? pass('redis.latency', detail) : warn('redis.latency', detail, 'p99 should stay under 10 ms: check the network path, a busy Redis (SLOWLOG GET), or swapping');
}

export function versionCheck(info: Map<string, string>): Check {
  const version = info.get('redis_version') ?? 'unknown';
  const major = Number(version.split('.')[0]);
  const detail = `Redis ${version} (${info.get('redis_mode') ?? 'standalone'})`;
  if (major >= 7) return pass('redis.version', detail);
  return warn('redis.version', detail, 'Rendezvous needs Redis 7.0 or later for PEXPIRE NX (cleanup gives TTL-less keys a lifetime) and ACL DRYRUN: upgrade');
}

export function persistenceCheck(info: Map<string, string>, save: string | undefined): Check {
  const aof = info.get('aof_enabled') === '1';
  const rdb = save !== undefined && save.trim() !== '';
  if (aof) return pass('redis.persistence', `AOF on (appendfsync as configured)${rdb ? ', RDB snapshots too' : ''}`);
  if (rdb) return warn('redis.persistence', `RDB snapshots only (save "${save}")`, 'a crash loses the signals sent since the last snapshot: set appendonly yes (durable inboxes are the point)');
  return warn('redis.persistence', save === undefined ? 'AOF off; RDB unknown (CONFIG GET not permitted)' : 'no persistence: AOF off, no RDB snapshots', 'a restart empties every inbox, ACK and lease: set appendonly yes');
}

export function evictionCheck(info: Map<string, string>): Check {
  const policy = info.get('maxmemory_policy') ?? 'unknown';
  if (policy === 'noeviction') return pass('redis.eviction', 'maxmemory-policy noeviction');
  return fail('redis.eviction', `maxmemory-policy ${policy}`, 'set maxmemory-policy noeviction: any other policy may evict an inbox, an ACK or the lease under memory pressure, silently');
}

/** Commands the library's operations use, each with a sample key of its kind (ACL DRYRUN checks key patterns too). */
const NEEDED: readonly (readonly string[])[] = [
  ['EVALSHA', '0000000000000000000000000000000000000000', '1', 'blocking:signal:{s}:c'],
  ['EVAL', 'return 1', '1', 'blocking:signal:{s}:c'],
  ['SCRIPT', 'LOAD', 'return 1'],
  ['XREADGROUP', 'GROUP', 'rendezvous', 'c', 'STREAMS', 'blocking:signal:{s}:c', '>'],
  ['XRANGE', 'blocking:signal:{s}:c', '-', '+'],
  ['XLEN', 'blocking:signal:{s}:c'],
  ['GET', 'blocking:heartbeat:c'],
  ['MGET', 'coordinator:activity:{s}:c'],
  ['ZRANGE', 'coordinator:registry:{s}', '0', '-1'],
  ['SMEMBERS', 'coordinator:swarms'],
  ['SCAN', '0'],
  ['PTTL', 'blocking:ack:{s}:c:m'],
  ['DEL', 'blocking:heartbeat:c'],
  ['PUBLISH', 'blocking:push:{s}:c', 'x'],
  ['SUBSCRIBE', 'blocking:push:{s}:c'],
  ['PSUBSCRIBE', 'blocking:push:*'],
  ['TIME'],
  ['INFO'],
];

/** What the configured user may not run, by ACL DRYRUN (Redis 7). */
export async function permissionsCheck(client: Redis): Promise<Check> {
  let user: string;
  try {
    user = String(await client.call('ACL', 'WHOAMI'));
  } catch (error) {
    return warn('redis.permissions', `cannot inspect: ${error instanceof Error ? error.message : String(error)}`, 'allow ACL WHOAMI and ACL DRYRUN for this user, or check its ACL by hand against docs/security.md');
  }
  const lacking: string[] = [];
  for (const command of NEEDED) {
    try {
      const answer = String(await client.call('ACL', 'DRYRUN', user, ...command));
      if (answer !== 'OK') lacking.push(command[0]!);
    } catch (error) {
      // NOPERM on ACL DRYRUN itself: the user may not inspect its own rights.
      if (/NOPERM/.test(String(error)) && lacking.length === 0) return warn('redis.permissions', `user ${user} may not run ACL DRYRUN`, 'check its ACL by hand against docs/security.md');
      lacking.push(command[0]!);
    }
  }
  if (lacking.length === 0) return pass('redis.permissions', `user ${user} may run every command the library uses`);
  return fail('redis.permissions', `user ${user} lacks: ${[...new Set(lacking)].join(', ')}`, 'grant them (docs/security.md lists the ACL Rendezvous needs)');
}

/** This machine's clock against Redis TIME, corrected by half the round trip. */
export async function clockCheck(client: Redis): Promise<Check> {
  const before = Date.now();
  const [seconds, micros] = (await client.time()) as [string | number, string | number];
  const after = Date.now();
  const redisMs = Number(seconds) * 1000 + Number(micros) / 1000;
  const drift = Math.round((before + after) / 2 - redisMs);
  const detail = `this machine is ${Math.abs(drift)} ms ${drift >= 0 ? 'ahead of' : 'behind'} Redis`;
  if (Math.abs(drift) < 1000) return pass('clock.drift', detail);
  return warn('clock.drift', detail, 'Rendezvous judges time by the Redis clock, so coordination is unaffected; your logs and the dashboard\'s local times are off: run NTP (chronyc tracking)');
}

/** A Cluster node's own view of the cluster (CLUSTER INFO): every slot served, or keys on the missing ones fail with CLUSTERDOWN. */
export async function clusterStateCheck(client: Redis): Promise<Check> {
  const info = parseInfo(String(await client.call('CLUSTER', 'INFO')));
  const state = info.get('cluster_state') ?? 'unknown';
  const detail = `cluster_state ${state}, ${info.get('cluster_slots_ok') ?? '?'} of 16384 slots served, ${info.get('cluster_known_nodes') ?? '?'} nodes known`;
  if (state === 'ok') return pass('redis.cluster', detail);
  return fail('redis.cluster', detail, 'a master (or its slots) is down: every swarm whose slot it served is stopped; bring it back or fail it over (CLUSTER NODES shows which)');
}
