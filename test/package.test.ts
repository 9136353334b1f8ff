import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

/** The built package (what `import 'rendezvous'` loads): `npm test` builds before it runs the tests. */
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { exports: { '.': { import: string; types: string } } };
const entry = new URL(`../${pkg.exports['.'].import}`, import.meta.url);

test('dist exposes the fixed public API with type declarations and its Lua scripts', async () => {
  assert.ok(existsSync(entry), `${entry.pathname} exists (run npm run build)`);
  assert.ok(existsSync(new URL(`../${pkg.exports['.'].types}`, import.meta.url)), 'type declarations are built');
  const api = (await import(entry.href)) as Record<string, unknown>;
  for (const name of ['createStore', 'BlockingCoordinator', 'SIGNAL_TYPES', 'RendezvousError', 'SignalTimeoutError', 'coordinatorDefaults', 'keys']) {
    assert.ok(name in api, `exports ${name}`);
  }
  for (const script of ['append-signal', 'acknowledge', 'ack-snapshot', 'discard-entry', 'ensure-inbox', 'escalate']) {
    const file = new URL(`../dist/store/redis/lua/${script}.lua`, import.meta.url);
    assert.ok(existsSync(file), `${script}.lua is shipped`);
    assert.doesNotMatch(readFileSync(file, 'utf8'), /@include/, `${script}.lua is shipped with its includes expanded`);
  }
});

test('dist ships the dashboard as written, beside the daemon that serves it', () => {
  const src = new URL('../src/server/dashboard/', import.meta.url);
  const dist = new URL('../dist/server/dashboard/', import.meta.url);
  const files = readdirSync(src).filter((name) => /\.(html|js|css|svg)$/.test(name));
  assert.ok(files.includes('index.html') && files.includes('app.js') && files.includes('style.css'));
  for (const file of files) assert.equal(readFileSync(new URL(file, dist), 'utf8'), readFileSync(new URL(file, src), 'utf8'), `${file} is shipped unchanged`);
});

test('the built package runs a signal round trip on the embedded store', async () => {
  const { createStore, BlockingCoordinator } = (await import(entry.href)) as typeof import('../src/index.js');
  const store = await createStore({ kind: 'memory' });
  const secret = 'package-test-secret-0123456789abcdef';
  const silent = { debug() {}, info() {}, warn() {}, error() {}, child() { return silent; } };
  const a = new BlockingCoordinator({ id: 'pkg-a', store, secret, logger: silent, env: {} });
  const b = new BlockingCoordinator({ id: 'pkg-b', store, secret, logger: silent, env: {} });
  await Promise.all([a.start(), b.start()]);
  const { messageId } = await a.sendSignal('pkg-b', 'wake');
  await b.acknowledge(await b.blockUntilSignal({ timeoutMs: 1_000 }));
  assert.equal((await a.waitForAcks(['pkg-b'], messageId, { timeoutMs: 1_000 })).size, 1);
  await Promise.all([a.stop(), b.stop()]);
  await store.close();
});
