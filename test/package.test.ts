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
  for (const script of ['append-signal', 'acknowledge', 'ack-snapshot', 'discard-entry', 'ensure-inbox', 'escalate', 'inbox-lengths']) {
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

test('the package bin `rendezvous` runs: --help lists serve, --version prints the version, exit 0', async () => {
  const { execFileSync } = await import('node:child_process');
  const { statSync } = await import('node:fs');
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string; bin: Record<string, string> };
  const bin = new URL(`../${manifest.bin.rendezvous}`, import.meta.url);
  assert.ok(existsSync(bin), `${bin.pathname} exists (run npm run build)`);
  assert.ok((statSync(bin).mode & 0o111) !== 0, 'the bin is executable');
  assert.match(readFileSync(bin, 'utf8'), /^#!\/usr\/bin\/env node\n/, 'with a node shebang');
  // Run as a user's shell would (the shebang), and through node.
  const help = execFileSync(bin.pathname, ['--help'], { encoding: 'utf8' });
  assert.match(help, /Usage: rendezvous/);
  assert.match(help, /serve \[options\]/);
  assert.match(execFileSync(process.execPath, [bin.pathname, 'serve', '--help'], { encoding: 'utf8' }), /--no-mutations/);
  assert.equal(execFileSync(process.execPath, [bin.pathname, '--version'], { encoding: 'utf8' }).trim(), manifest.version);
});
