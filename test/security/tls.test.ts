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
import { StoreUnavailableError } from '../../src/protocol/errors.js';
import { createStore, type CreateStoreOptions } from '../../src/store/create-store.js';
import { Coordinators, uniqueSwarm } from '../support/coordinators.js';
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
  const error = await createStore({ ...options, logger: recordingLogger(), env: {} }).then(
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
});
