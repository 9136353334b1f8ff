/** Doctor's checks of the secret and of what the coordinators left in the store. */
import { MIN_SECRET_BYTES } from '../../protocol/keyring.js';
import type { Keyring } from '../../protocol/keyring.js';
import type { Store } from '../../store/port.js';
import { fingerprint } from '../fingerprint.js';
import { readCoordinators } from '../coordinators-reader.js';
import { readLeader } from '../leaders-reader.js';
import { age, replayWindowMs } from '../read-context.js';
import { fail, pass, warn, type Check } from './check.js';

export function secretChecks(env: NodeJS.ProcessEnv): Check[] {
  return (['BLOCKING_COORDINATION_SECRET', 'BLOCKING_COORDINATION_SECRET_NEW'] as const).flatMap((name) => {
    const value = env[name];
    if (!value) return name === 'BLOCKING_COORDINATION_SECRET' ? [fail('secret', `${name} is not set`, 'set it on every machine to the same value (`rendezvous secret generate`)')] : [];
    const bytes = Buffer.byteLength(value, 'utf8');
    const check = name === 'BLOCKING_COORDINATION_SECRET' ? 'secret' : 'secret.new';
    if (bytes < MIN_SECRET_BYTES) return [fail(check, `${name} is ${bytes} bytes`, `use at least ${MIN_SECRET_BYTES} bytes (\`rendezvous secret generate\`)`)];
    return [pass(check, `${name} set, ${bytes} bytes, fingerprint ${fingerprint(value)} (compare with \`rendezvous secret fingerprint\` on the other machines)`)];
  });
}

export async function leaderCheck(store: Store, namespace: string, keyring: Keyring | undefined): Promise<Check> {
  const view = await readLeader(store, namespace, await store.time(), keyring);
  const name = 'supervisor.leader';
  if (view.verdict === 'held') return pass(name, `${view.leaderId} leads ${namespace}, epoch ${view.epoch}, ${view.workers.length} worker(s)`);
  if (view.verdict === 'forged') return fail(name, `the lease of ${namespace} does not verify (${view.forged}): held by ${view.storedHolder} as stored`, 'another secret, or a forged record: compare `rendezvous secret fingerprint` with the daemon\'s; runbook "Forged election records"');
  if (view.verdict === 'unverified') return warn(name, `${view.storedHolder} holds ${namespace} (unverified: no secret here)`, 'set BLOCKING_COORDINATION_SECRET to verify the lease');
  return warn(name, `nobody leads ${namespace}: no supervisor watches the heartbeats`, 'start `rendezvous serve` (or your own supervisor) with this Redis');
}

/** Dead (silent past DEAD_THRESHOLD) coordinators still registered, and signals older than the replay window. */
export async function fleetChecks(store: Store): Promise<Check[]> {
  const { swarms, generatedAt } = await readCoordinators(store);
  const all = swarms.flatMap((s) => s.coordinators);
  const dead = all.filter((c) => c.state === 'dead');
  const checks: Check[] = [];
  checks.push(
    dead.length === 0
      ? pass('coordinators.stale', `${all.length} coordinator(s) in ${swarms.length} swarm(s), none silent past DEAD_THRESHOLD`)
      : warn('coordinators.stale', `${dead.length} dead: ${dead.slice(0, 10).map((c) => `${c.swarmId}/${c.id} (${age(c.heartbeatAgeMs)})`).join(', ')}`, 'a running supervisor escalates them; past 10 min `rendezvous cleanup --execute` removes their state'),
  );
  let old = 0;
  const examples: string[] = [];
  for (const c of all.filter((c) => c.pendingSignals > 0 && c.state !== 'replaced')) {
    const entries = await store.peekInbox({ swarmId: c.swarmId, coordinatorId: c.id }, '0-0', 100);
    const stale = entries.filter((e) => generatedAt - e.time > replayWindowMs);
    old += stale.length;
    if (stale.length > 0 && examples.length < 5) examples.push(`${c.swarmId}/${c.id}: ${stale.length}`);
  }
  checks.push(
    old === 0
      ? pass('signals.unacknowledged', `no signal waits longer than the replay window (${age(replayWindowMs)})`)
      : warn('signals.unacknowledged', `${old} signal(s) unacknowledged for more than ${age(replayWindowMs)}: ${examples.join(', ')}`, 'a receiver rejects them as replays now: `rendezvous inbox ID` shows them; the sender should send again, or `rendezvous cleanup` removes a dead receiver\'s'),
  );
  return checks;
}

/** Keys Rendezvous always gives a lifetime, found without one (written by hand, or by an old version). */
export async function ttlCheck(store: Store, limit = 10_000): Promise<Check> {
  let scanned = 0;
  const endless: string[] = [];
  for await (const batch of store.scanKeys('blocking:*', 500)) {
    const ttls = await store.keyTtls(batch);
    batch.forEach((key, i) => ttls[i] === -1 && endless.push(key));
    scanned += batch.length;
    if (scanned >= limit) break;
  }
  const scope = `${scanned} blocking:* key(s)${scanned >= limit ? ' (first ones only)' : ''}`;
  if (endless.length === 0) return pass('keys.ttl', `${scope}, every one with a TTL`);
  return warn('keys.ttl', `${endless.length} of ${scope} without a TTL: ${endless.slice(0, 5).join(', ')}`, 'check what wrote them; `rendezvous cleanup --execute` gives them 24 h');
}
