/**
 * The operator's read commands (doctor, coordinators, inbox, verify, leaders, secret), run as the
 * built binary against a private redis-server, with a coordinator heartbeating in another process.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { BlockingCoordinator, createStore, type Store } from '../../src/index.js';
import { startCoordinatorProcess, type CoordinatorProcess } from '../support/child-process.js';
import { OTHER_SECRET, SECRET } from '../support/coordinators.js';
import { freePort, startRedis, type RedisServer } from '../support/redis-server.js';
import { runBuilt, show } from '../support/built-cli.js';

const SWARM = 'ops-swarm';
const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

describe('rendezvous read commands', { timeout: 60_000 }, () => {
  let server: RedisServer;
  let store: Store;
  let sender: BlockingCoordinator;
  let live: CoordinatorProcess;
  let env: Record<string, string>;
  const sent: string[] = [];

  before(async () => {
    server = await startRedis();
    env = { REDIS_URL: server.url, BLOCKING_COORDINATION_SECRET: SECRET, NO_COLOR: '1' };
    live = startCoordinatorProcess({ STORE_SPEC: JSON.stringify({ url: server.url }), COORD_ID: 'coord-live', SWARM_ID: SWARM, SECRET, MODE: 'idle' });
    store = await createStore({ url: server.url });
    sender = new BlockingCoordinator({ id: 'coord-a', store, secret: SECRET, swarmId: SWARM, logger: silent, env: {} });
    await Promise.all([live.nextLine(), sender.start()]);
    // coord-b never starts: its signals stay in its inbox.
    sent.push((await sender.sendSignal('coord-b', 'wake')).messageId);
    sent.push((await sender.sendSignal('coord-b', 'completion', { iteration: 2, payload: { ok: 'é ✓' }, idempotencyKey: 'task-1' })).messageId);
  });

  after(async () => {
    live?.child.kill('SIGKILL');
    await live?.exited;
    await sender?.stop();
    await store?.close();
    await server?.stop();
  });

  test('coordinators: the live process and the sender, as a table and as JSON', async () => {
    const [table, json, unknown, bad] = await Promise.all([
      runBuilt(['coordinators'], env),
      runBuilt(['coordinators', '--swarm', SWARM, '--json'], env),
      runBuilt(['coordinators', '--swarm', 'no-such-swarm'], env),
      runBuilt(['coordinators', '--swarm', 'bad:id'], env),
    ]);
    assert.equal(table.code, 0, show(table));
    assert.match(table.stdout, /^SWARM\s+COORDINATOR\s+STATE/m);
    assert.match(table.stdout, new RegExp(`^${SWARM}\\s+coord-live\\s+alive`, 'm'), show(table));
    assert.ok(!table.stdout.includes('\u001b['), 'NO_COLOR: no escape codes');

    assert.equal(json.code, 0, show(json));
    const doc = JSON.parse(json.stdout) as { generatedAt: number; swarms: { swarmId: string; coordinators: { id: string; state: string; heartbeatAgeMs: number }[] }[] };
    assert.equal(doc.swarms.length, 1);
    const ids = doc.swarms[0]!.coordinators.map((c) => c.id).sort();
    assert.deepEqual(ids, ['coord-a', 'coord-live']);
    assert.ok(doc.swarms[0]!.coordinators.every((c) => c.state === 'alive' && c.heartbeatAgeMs < 10_000));

    assert.equal(unknown.code, 3, show(unknown));
    assert.match(unknown.stderr, /^rendezvous coordinators: RDV_ERR_NOT_FOUND: /);
    assert.equal(bad.code, 2, show(bad));
    assert.match(bad.stderr, /RDV_ERR_INVALID_ID/);
  });

  test('inbox: pending signals verified with the right secret, unverified with another', async () => {
    const wrongEnv = { ...env, BLOCKING_COORDINATION_SECRET: OTHER_SECRET };
    const [ok, payloads, wrong, none, unknown] = await Promise.all([
      runBuilt(['inbox', 'coord-b', '--json'], env),
      runBuilt(['inbox', 'coord-b', '--swarm', SWARM, '--json', '--payloads'], env),
      runBuilt(['inbox', 'coord-b', '--json'], wrongEnv),
      runBuilt(['inbox', 'coord-b'], { REDIS_URL: server.url }),
      runBuilt(['inbox', 'coord-nobody', '--json'], env),
    ]);
    assert.equal(ok.code, 0, show(ok));
    const doc = JSON.parse(ok.stdout) as { swarmId: string; secretSet: boolean; pending: { messageId: string; verified: boolean; reason: string | null; iteration: number | null; payload?: unknown }[] };
    assert.deepEqual(Object.keys(doc).sort(), ['coordinatorId', 'pending', 'secretSet', 'swarmId'], 'the documented fields, no more');
    assert.equal(doc.swarmId, SWARM, 'swarm found from the inbox without --swarm');
    assert.deepEqual(doc.pending.map((p) => p.messageId), sent);
    assert.ok(doc.pending.every((p) => p.verified && p.reason === null), show(ok));
    assert.equal(doc.pending[1]!.iteration, 2);
    assert.equal(doc.pending[1]!.payload, undefined, 'payloads only with --payloads');
    const withPayloads = JSON.parse(payloads.stdout) as typeof doc;
    assert.deepEqual(withPayloads.pending[1]!.payload, { ok: 'é ✓' });

    assert.equal(wrong.code, 0, show(wrong));
    const wrongDoc = JSON.parse(wrong.stdout) as typeof doc;
    assert.ok(wrongDoc.pending.every((p) => !p.verified && p.reason === 'bad_signature'), show(wrong));

    assert.equal(none.code, 0, show(none));
    assert.match(none.stderr, /no BLOCKING_COORDINATION_SECRET/);
    assert.match(none.stdout, /no: bad_signature/);

    assert.equal(unknown.code, 3, show(unknown));
    assert.equal((JSON.parse(unknown.stderr) as { error: { code: string } }).error.code, 'RDV_ERR_NOT_FOUND');
  });

  test('verify: 0 with the sender\'s secret, 5 with another, 3 for an unknown message, 2 without a secret', async () => {
    const [ok, one, wrong, rotating, missing, noSecret] = await Promise.all([
      runBuilt(['verify', 'coord-b'], env),
      runBuilt(['verify', 'coord-b', '--message', sent[1]!, '--json'], env),
      runBuilt(['verify', 'coord-b'], { ...env, BLOCKING_COORDINATION_SECRET: OTHER_SECRET }),
      // During a rotation the new secret verifies too.
      runBuilt(['verify', 'coord-b'], { ...env, BLOCKING_COORDINATION_SECRET: OTHER_SECRET, BLOCKING_COORDINATION_SECRET_NEW: SECRET }),
      runBuilt(['verify', 'coord-b', '--message', 'coord-a:wake:1'], env),
      runBuilt(['verify', 'coord-b'], { REDIS_URL: server.url }),
    ]);
    assert.equal(ok.code, 0, show(ok));
    assert.equal(ok.stdout.match(/signature OK/g)?.length, 2, show(ok));
    // The runbook's openssl recipe, line for line: the signing string, the stored and the expected HMAC.
    assert.match(ok.stdout, /^ {2}signing string: coord-a:coord-b:wake:\d+$/m, show(ok));
    assert.match(ok.stdout, /^ {2}signing string: coord-a:coord-b:completion:\d+(:seq=\d+)?:iteration=2:payload=[0-9a-f]{64}:idempotencyKey=task-1$/m, show(ok));
    const hmacs = (run: typeof ok) => [...run.stdout.matchAll(/^ {2}stored: +([0-9a-f]{64})\n {2}expected: +([0-9a-f]{64})$/gm)].map((m) => [m[1], m[2]]);
    assert.equal(hmacs(ok).length, 2, show(ok));
    assert.ok(hmacs(ok).every(([stored, expected]) => stored === expected));

    assert.equal(one.code, 0, show(one));
    const doc = JSON.parse(one.stdout) as { ok: boolean; signals: { messageId: string }[] };
    assert.equal(doc.ok, true);
    assert.deepEqual(doc.signals.map((s) => s.messageId), [sent[1]]);

    assert.equal(wrong.code, 5, show(wrong));
    assert.match(wrong.stdout, /MISMATCH \(bad_signature\)/);
    assert.ok(hmacs(wrong).length === 2 && hmacs(wrong).every(([stored, expected]) => stored !== expected), show(wrong));
    assert.equal(rotating.code, 0, show(rotating));

    assert.equal(missing.code, 3, show(missing));
    assert.equal(noSecret.code, 2, show(noSecret));
    assert.match(noSecret.stderr, /RDV_ERR_SECRET_MISSING/);
  });

  test('leaders: the default namespace free, as a table and JSON', async () => {
    const [json, table] = await Promise.all([runBuilt(['leaders', '--json'], env), runBuilt(['leaders'], env)]);
    assert.equal(json.code, 0, show(json));
    const doc = JSON.parse(json.stdout) as { namespaces: { namespace: string; verdict: string; leaderId: string | null }[] };
    assert.deepEqual(doc.namespaces.map((n) => [n.namespace, n.verdict, n.leaderId]), [['supervisor', 'free', null]]);
    assert.match(table.stdout, /^NAMESPACE\s+LEADER\s+EPOCH/m);
    assert.match(table.stdout, /^supervisor\s+-/m);
  });

  test('secret: generate gives 64 hex; fingerprint equal for equal secrets, different otherwise, never the secret', async () => {
    const [generated, generatedJson, a, b, missing, short] = await Promise.all([
      runBuilt(['secret', 'generate']),
      runBuilt(['secret', 'generate', '--json']),
      runBuilt(['secret', 'fingerprint', '--json'], { BLOCKING_COORDINATION_SECRET: SECRET }),
      runBuilt(['secret', 'fingerprint', '--json'], { BLOCKING_COORDINATION_SECRET: SECRET, BLOCKING_COORDINATION_SECRET_NEW: OTHER_SECRET }),
      runBuilt(['secret', 'fingerprint']),
      runBuilt(['secret', 'fingerprint'], { BLOCKING_COORDINATION_SECRET: 'short' }),
    ]);
    assert.equal(generated.code, 0, show(generated));
    assert.match(generated.stdout, /^[0-9a-f]{64}\n$/);
    const json = JSON.parse(generatedJson.stdout) as { secret: string; fingerprint: string };
    assert.match(json.secret, /^[0-9a-f]{64}$/);
    assert.notEqual(json.secret, generated.stdout.trim());

    assert.equal(a.code, 0, show(a));
    const fa = JSON.parse(a.stdout) as { secret: { fingerprint: string; bytes: number } };
    const fb = JSON.parse(b.stdout) as { secret: { fingerprint: string }; secretNew: { fingerprint: string } };
    assert.match(fa.secret.fingerprint, /^[0-9a-f]{16}$/);
    assert.equal(fa.secret.bytes, SECRET.length);
    assert.equal(fb.secret.fingerprint, fa.secret.fingerprint);
    assert.notEqual(fb.secretNew.fingerprint, fa.secret.fingerprint);
    assert.ok(!a.stdout.includes(SECRET));

    assert.equal(missing.code, 2, show(missing));
    assert.equal(short.code, 2, show(short));
    assert.match(short.stderr, /RDV_ERR_SECRET_TOO_SHORT/);
  });

  test('doctor: each check pass, warn or fail with what to do; exit 1 on this test Redis (no persistence, no supervisor)', async () => {
    // A Redis user without two commands the library needs.
    const raw = new Redis(server.url);
    try {
      await raw.call('ACL', 'SETUSER', 'limited', 'on', '>limited-password', '~*', '&*', '+@all', '-publish', '-xreadgroup');
    } finally {
      raw.disconnect();
    }
    const limitedUrl = server.url.replace('redis://', 'redis://limited:limited-password@');
    const [run, human, noSecret, limited] = await Promise.all([
      runBuilt(['doctor', '--json'], env),
      runBuilt(['doctor'], env),
      runBuilt(['doctor', '--json'], { REDIS_URL: server.url }),
      runBuilt(['doctor', '--json'], { ...env, REDIS_URL: limitedUrl }),
    ]);
    assert.equal(run.code, 1, show(run));
    const doc = JSON.parse(run.stdout) as { status: string; checks: { name: string; status: string; detail: string; fix?: string }[] };
    assert.equal(doc.status, 'warn');
    const by = new Map(doc.checks.map((c) => [c.name, c]));
    for (const name of ['redis.latency', 'redis.version', 'redis.persistence', 'redis.eviction', 'redis.permissions', 'clock.drift', 'secret', 'supervisor.leader', 'coordinators.stale', 'signals.unacknowledged', 'keys.ttl']) {
      assert.ok(by.has(name), `check ${name} in ${run.stdout}`);
    }
    // Latency depends on the machine's load: its form is checked, not its verdict.
    assert.match(by.get('redis.latency')!.detail, /^reachable; 50 PINGs: p50 [\d.]+ ms, p99 [\d.]+ ms$/);
    assert.equal(by.get('redis.eviction')!.status, 'pass');
    assert.equal(by.get('redis.persistence')!.status, 'warn');
    assert.match(by.get('redis.persistence')!.fix!, /appendonly yes/);
    assert.equal(by.get('supervisor.leader')!.status, 'warn');
    assert.equal(by.get('secret')!.status, 'pass');
    assert.ok(!run.stdout.includes(SECRET), 'the secret itself is never printed');
    for (const c of doc.checks) assert.equal(c.status === 'pass', c.fix === undefined, `${c.name}: a fix exactly when not a pass`);

    assert.equal(human.code, 1);
    assert.match(human.stdout, /^redis\.eviction\s+pass\s+maxmemory-policy noeviction$/m, show(human));
    assert.match(human.stdout, /^what to do:$/m);

    assert.equal(noSecret.code, 2, show(noSecret));
    assert.equal((JSON.parse(noSecret.stdout) as typeof doc).checks.find((c) => c.name === 'secret')!.status, 'fail');
    assert.equal(limited.code, 2, show(limited));
    const permissions = (JSON.parse(limited.stdout) as typeof doc).checks.find((c) => c.name === 'redis.permissions')!;
    assert.equal(permissions.status, 'fail', show(limited));
    assert.match(permissions.detail, /^user limited lacks: XREADGROUP, PUBLISH$/);
    assert.ok(!limited.stdout.includes('limited-password'), 'the password is never printed');
  });

  test('no Redis: read commands exit 4 (UNAVAILABLE) with one RDV_ERR line; doctor fails the reachability check (2)', async () => {
    const dead = { ...env, REDIS_URL: `redis://127.0.0.1:${await freePort()}` };
    const commands = [['coordinators'], ['inbox', 'coord-b'], ['cleanup']];
    const [doctor, noUrl, ...runs] = await Promise.all([runBuilt(['doctor', '--json'], dead), runBuilt(['coordinators'], {}), ...commands.map((args) => runBuilt(args, dead))]);
    for (const [i, args] of commands.entries()) {
      const run = runs[i]!;
      assert.equal(run.code, 4, `${args.join(' ')}: ${show(run)}`);
      assert.equal(run.stderr.trim().split('\n').length, 1, show(run));
      assert.match(run.stderr, /^rendezvous [a-z ]+: RDV_ERR_STORE_UNAVAILABLE: /, show(run));
    }
    assert.equal(doctor.code, 2, show(doctor));
    assert.equal((JSON.parse(doctor.stdout) as { checks: { name: string; status: string }[] }).checks[0]!.name, 'redis.reachable');
    assert.equal(noUrl.code, 2, show(noUrl));
    assert.match(noUrl.stderr, /REDIS_URL/);
  });

  test('bad flags exit 2; --help on each command exits 0 and names its exit codes', async () => {
    const commands = [['doctor'], ['coordinators'], ['inbox'], ['verify'], ['leaders'], ['leaders', 'release'], ['secret', 'generate'], ['secret', 'fingerprint'], ['cleanup']];
    const [unknown, missingArg, ...helps] = await Promise.all([runBuilt(['coordinators', '--bogus'], env), runBuilt(['inbox'], env), ...commands.map((args) => runBuilt([...args, '--help']))]);
    assert.equal(unknown.code, 2, show(unknown));
    assert.match(unknown.stderr, /unknown option '--bogus'/);
    assert.equal(missingArg.code, 2, show(missingArg));
    for (const [i, args] of commands.entries()) {
      const help = helps[i]!;
      assert.equal(help.code, 0, `${args.join(' ')} --help: ${show(help)}`);
      assert.match(help.stdout, /^Usage: rendezvous /m);
      if (args[0] !== 'secret' || args[1] === 'fingerprint') assert.match(help.stdout, /Exit codes/, `${args.join(' ')} --help names its exit codes`);
    }
  });
});
