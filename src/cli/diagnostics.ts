/**
 * The diagnostics bundle (`rendezvous collect-diagnostics`): what the runbooks' collect-logs.sh
 * gathered by hand, as one JSON document, secrets never included (fingerprints instead).
 */
import { VERSION } from '../server/version.js';
import { describePending, type PendingSignal } from '../server/read-model/pending-signals.js';
import type { Store } from '../store/port.js';
import { fingerprint } from './fingerprint.js';
import { readCoordinators } from './coordinators-reader.js';
import { parseInfo } from './doctor/redis-checks.js';
import { listNamespaces, readLeaders } from './leaders-reader.js';
import { Keyring } from '../protocol/keyring.js';
import { replayWindowMs, optionalKeyring } from './read-context.js';
import { redactUrl } from '../protocol/redact.js';
import type { RawServers } from './raw-redis.js';

/** Keys counted at most (SCAN), so a huge keyspace does not hold the bundle for minutes. */
const MAX_KEYS = 200_000;
const EVENTS_PER_STREAM = 100;

/** A key's kind: its fixed segments, without ids and hash tags (`blocking:signal`, `coordinator:global:leader`). */
export function keyKind(key: string): string {
  const tagged = /^(.*?):\{[^}]*\}:?([^:]*)/.exec(key);
  if (tagged) return ['coordinator:global', 'coordinator:fence', 'swarm'].includes(tagged[1]!) ? `${tagged[1]}:${tagged[2]}` : tagged[1]!;
  return key.split(':').slice(0, 2).join(':');
}

/** Environment variables the library and daemon read: values shown, except secrets (fingerprinted) and passwords. */
const CONFIG_VARS = /^(REDIS_|BLOCKING_|HEARTBEAT_|DEAD_THRESHOLD|RENDEZVOUS_|NODE_ENV$)/;
const SECRET_VARS = /SECRET|TOKEN|PASSWORD/;

export function safeConfig(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env).sort(([a], [b]) => a.localeCompare(b))) {
    if (!CONFIG_VARS.test(name) || value === undefined) continue;
    if (name === 'REDIS_URL') out[name] = redactUrl(value);
    else if (/^BLOCKING_COORDINATION_SECRET/.test(name)) out[name] = `(set, ${Buffer.byteLength(value)} bytes, fingerprint ${fingerprint(value)})`;
    else out[name] = SECRET_VARS.test(name) ? '(set, removed)' : value;
  }
  return out;
}

/** `raw`: each server the data lives on (a Cluster's masters); `redis.info` is the first one's, `redis.nodes` every one's (an unreachable one with its error). */
export async function collectDiagnostics(store: Store, raw: Pick<RawServers, 'servers' | 'unreachable'>, env: NodeJS.ProcessEnv) {
  const keyring = optionalKeyring(env);
  const nodes: ({ node: string; info: Record<string, string> } | { node: string; error: string })[] = await Promise.all(
    raw.servers.map(async ({ node, client }) => ({ node, info: Object.fromEntries(parseInfo(String(await client.info('everything')))) })),
  );
  for (const { node, error } of raw.unreachable) nodes.push({ node, error: error.message });
  const keyCounts: Record<string, number> = {};
  let scanned = 0;
  for await (const batch of store.scanKeys('*', 1000)) {
    for (const key of batch) keyCounts[keyKind(key)] = (keyCounts[keyKind(key)] ?? 0) + 1;
    scanned += batch.length;
    if (scanned >= MAX_KEYS) break;
  }
  const coordinators = await readCoordinators(store);
  const pending: { swarmId: string; coordinatorId: string; signals: PendingSignal[] }[] = [];
  for (const c of coordinators.swarms.flatMap((s) => s.coordinators).filter((c) => c.pendingSignals > 0)) {
    const owner = { swarmId: c.swarmId, coordinatorId: c.id };
    const entries = await store.peekInbox(owner, '0-0', 100);
    pending.push({ ...owner, signals: describePending(owner, entries, { keyring: keyring ?? new Keyring(Buffer.alloc(0)), replayWindowMs, replaces: c.replaces }, false) });
  }
  const leaders = await readLeaders(store, keyring);
  const swarmEvents = await Promise.all(
    coordinators.swarms.map(async (s) => ({ swarmId: s.swarmId, events: (await store.readSwarmEvents(s.swarmId, '0-0', { count: 1000, blockMs: 0 })).slice(-EVENTS_PER_STREAM) })),
  );
  const leaderEvents = await Promise.all(
    (await listNamespaces(store)).map(async (namespace) => ({ namespace, events: (await store.readLeaseEvents(namespace, '0-0', { count: 1000, blockMs: 0 })).slice(-EVENTS_PER_STREAM) })),
  );
  return {
    bundle: 'rendezvous-diagnostics/1',
    rendezvousVersion: VERSION,
    generatedAt: coordinators.generatedAt,
    collectedOn: { node: process.version, platform: process.platform, localTime: Date.now() },
    config: safeConfig(env),
    redis: { info: nodes.find((n) => 'info' in n)?.info ?? {}, nodes, keyCounts, keysScanned: scanned, keysTruncated: scanned >= MAX_KEYS },
    coordinators: coordinators.swarms,
    pending,
    leaders,
    events: { swarms: swarmEvents, leaders: leaderEvents },
  };
}
