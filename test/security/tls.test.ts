/**
 * TLS with a private CA and client certificates, as docs/security.md says to set it up: its
 * openssl commands and redis.conf lines are read from the page and run here, in temporary
 * directories, for a private TLS-only redis-server. A round trip works with the client
 * certificate; without one, against a server of another CA, or in plain text, createStore fails
 * with a typed error, within its deadline.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { InvalidConfigError, StoreUnavailableError } from '../../src/protocol/errors.js';
import { createStore, type CreateStoreOptions } from '../../src/store/create-store.js';
import { runBuilt, show } from '../support/built-cli.js';
import { Coordinators, SECRET, uniqueSwarm } from '../support/coordinators.js';
import { recordingLogger } from '../support/recording-logger.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { tlsRecipe } from './security-doc.js';

/** A refused connect fails within twice commandTimeout: this one's, plus slack. */
const FAST_FAIL = { commandTimeout: 1_000 } as const;
const BOUND_MS = 5_000;

interface Pki {
  dir: string;
  /** What a client holds: the CA, its certificate and key. */
  client: ConnectionOptions;
}

/** Runs the page's openssl commands in a new temporary directory: a CA, a server and a client certificate. */
function makePki(): Pki {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rendezvous-tls-'));
  execFileSync('/bin/sh', ['-e', '-c', tlsRecipe().openssl], { cwd: dir, stdio: 'pipe', timeout: 30_000 });
  const read = (name: string) => readFileSync(path.join(dir, name));
  return { dir, client: { ca: read('ca.crt'), cert: read('client.crt'), key: read('client.key') } };
}

/** The page's redis.conf lines as redis-server arguments, its files in `dir`; the ports are startRedis' to choose. */
function serverArgs(dir: string): string[] {
  const conf = tlsRecipe().conf;
  const port = conf.find(([directive]) => directive === 'port');
  assert.deepEqual(port, ['port', '0'], 'the page turns the plain-text port off');
  assert.ok(conf.some(([directive]) => directive === 'tls-port'), 'the page names a tls-port');
  assert.deepEqual(conf.find(([directive]) => directive === 'tls-auth-clients'), ['tls-auth-clients', 'yes']);
  return conf
    .filter(([directive]) => directive !== 'port' && directive !== 'tls-port')
    .flatMap(([directive, ...values]) => [`--${directive}`, ...values.map((value) => (directive!.endsWith('-file') ? path.join(dir, path.basename(value)) : value))]);
}

/** A createStore that must fail: a StoreUnavailableError for `connect`, within the bound. */
async function refused(options: CreateStoreOptions): Promise<StoreUnavailableError> {
  const startedAt = performance.now();
  const error = await createStore({ ...options, logger: recordingLogger(), env: options.env ?? {} }).then(
    async (store) => {
      await store.close();
      return new Error('connected');
    },
    (e: unknown) => e,
  );
  const elapsed = performance.now() - startedAt;
  assert.ok(error instanceof StoreUnavailableError, String(error));
  assert.equal(error.context.operation, 'connect');
  assert.ok(elapsed < BOUND_MS, `refused after ${Math.round(elapsed)} ms`);
  return error;
}

describe('TLS with a private CA and client certificates (the recipe of docs/security.md)', () => {
  let pki: Pki;
  let other: Pki;
  let server: RedisServer;
  let impostor: RedisServer;
  before(async () => {
    [pki, other] = [makePki(), makePki()];
    server = await startRedis({ extraArgs: serverArgs(pki.dir), tls: pki.client });
    impostor = await startRedis({ extraArgs: serverArgs(other.dir), tls: other.client }); // the same recipe, another CA
  });
  after(async () => {
    await Promise.all([server?.stop(), impostor?.stop()]);
    for (const { dir } of [pki, other].filter(Boolean)) rmSync(dir, { recursive: true, force: true });
  });

  test('with the client certificate: a round trip (send, receive, acknowledge, wait for the ACK)', async () => {
    assert.match(server.url, /^rediss:\/\/127\.0\.0\.1:\d+$/);
    const logger = recordingLogger();
    const store = await createStore({ url: server.url, redisOptions: { tls: pki.client }, logger, env: {} });
    const c = new Coordinators(() => store, uniqueSwarm('tls'));
    try {
      const [a, b] = await Promise.all([c.start('coord-a'), c.start('coord-b')]);
      const { messageId } = await a.sendSignal('coord-b', 'wake', { payload: { over: 'tls' } });
      const signal = await b.blockUntilSignal({ timeoutMs: 5_000 });
      assert.deepEqual([signal.messageId, signal.payload], [messageId, { over: 'tls' }]);
      await b.acknowledge(signal);
      assert.ok((await a.waitForAcks(['coord-b'], messageId, { timeoutMs: 5_000 })).has('coord-b'));
    } finally {
      await c.shutdownAll();
      await store.close();
    }
    assert.deepEqual(logger.records.filter((r) => r.level === 'warn' || r.level === 'error').map((r) => r.msg), []);
  });

  test('without a client certificate: refused during the handshake, a typed error, bounded', async () => {
    const error = await refused({ url: server.url, redisOptions: { tls: { ca: pki.client.ca }, ...FAST_FAIL } });
    assert.doesNotMatch(error.message, /Connection is closed/, 'the reason is named');
  });

  test('a client certificate from another CA: refused', async () => {
    await refused({ url: server.url, redisOptions: { tls: { ca: pki.client.ca, cert: other.client.cert, key: other.client.key }, ...FAST_FAIL } });
  });

  test('a server whose certificate another CA signed: refused by the client', async () => {
    const error = await refused({ url: impostor.url, redisOptions: { tls: pki.client, ...FAST_FAIL } });
    assert.match(error.message, /certificate/, 'the reason is the certificate');
  });

  test('plain text to the TLS port: refused', async () => {
    await refused({ url: server.url.replace('rediss://', 'redis://'), redisOptions: FAST_FAIL });
  });

  /** The files of a PKI as the environment names them, for processes told only through it (the CLI, the daemon). */
  const tlsEnv = (dir: string) => ({ REDIS_TLS_CA_FILE: path.join(dir, 'ca.crt'), REDIS_TLS_CERT_FILE: path.join(dir, 'client.crt'), REDIS_TLS_KEY_FILE: path.join(dir, 'client.key') });

  test('REDIS_TLS_CA_FILE, REDIS_TLS_CERT_FILE, REDIS_TLS_KEY_FILE: createStore connects with them', async () => {
    const store = await createStore({ url: server.url, logger: recordingLogger(), env: tlsEnv(pki.dir) });
    try {
      assert.equal(typeof (await store.time()), 'number');
    } finally {
      await store.close();
    }
    await refused({ url: server.url, env: tlsEnv(other.dir), redisOptions: FAST_FAIL });
  });

  test('the CLI reaches a TLS server with client certificates through the same variables (doctor, coordinators)', async () => {
    const env = { REDIS_URL: server.url, BLOCKING_COORDINATION_SECRET: SECRET, NO_COLOR: '1', ...tlsEnv(pki.dir) };
    const doctor = await runBuilt(['doctor', '--json'], env);
    const report = JSON.parse(doctor.stdout) as { checks: { name: string; status: string }[] };
    assert.ok(!report.checks.some((c) => c.name === 'redis.reachable'), show(doctor));
    assert.equal(report.checks.find((c) => c.name === 'redis.latency')?.status, 'pass', show(doctor));
    const read = await runBuilt(['coordinators', '--json'], env);
    assert.equal(read.code, 0, show(read));
    // Without the client certificate the server refuses the handshake: said, not waited on.
    const without = await runBuilt(['doctor', '--json'], { ...env, REDIS_TLS_CERT_FILE: undefined, REDIS_TLS_KEY_FILE: undefined });
    assert.equal(without.code, 2, show(without));
    assert.equal((JSON.parse(without.stdout) as { checks: { name: string }[] }).checks[0]?.name, 'redis.reachable', show(without));
  });

  test('a TLS file that cannot be read, or a certificate without its key: a typed error before any connection', async () => {
    await assert.rejects(createStore({ url: server.url, env: { REDIS_TLS_CA_FILE: path.join(pki.dir, 'missing.crt') } }), (error: unknown) => {
      assert.ok(error instanceof InvalidConfigError, String(error));
      assert.match(error.message, /REDIS_TLS_CA_FILE names ".*missing\.crt", which cannot be read \(ENOENT\)/);
      return true;
    });
    await assert.rejects(createStore({ url: server.url, env: { REDIS_TLS_CERT_FILE: path.join(pki.dir, 'client.crt') } }), /REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE go together/);
    const run = await runBuilt(['coordinators', '--json'], { REDIS_URL: server.url, REDIS_TLS_KEY_FILE: path.join(pki.dir, 'client.key') });
    assert.equal(run.code, 2, show(run));
    assert.match(run.stderr, /RDV_ERR_INVALID_CONFIG/, show(run));
  });
});
