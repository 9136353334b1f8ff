// The `rendezvous` bin as a bundle: tsc's output for src/cli (dist/cli/, about 60 modules, pulling
// in about 200 more of the library and of node_modules) becomes dist/cli/main.js plus one chunk a
// command (esbuild, code splitting: a command still loads only its own code, as
// src/cli/command-registry.ts wants). Node then reads, resolves and compiles a handful of files
// instead of hundreds: a read command starts in about half the time (docs/cli-operator.md#start-up-time).
// The library (dist/index.js and everything beside it) is not touched: importers load tsc's output.
//
// Run after tsc and build-lua.mjs (npm run build). What a bundled module finds beside itself
// through import.meta.url (the Lua scripts, package.json, the dashboard) it still finds: each
// module's import.meta.url is rewritten to the address of its own tsc output in dist/.
import { chmodSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const cliDir = path.join(dist, 'cli');
const staging = path.join(dist, '.cli-bundle');

/**
 * Left to node_modules, loaded as before: the daemon's own dependencies (fastify loads its parts at
 * run time, and only `serve` needs them) and pino (the store loads it on demand, default-logger.ts).
 * Everything else a command imports (commander, ioredis, zod, cockatiel, ms, safe-stable-stringify)
 * is bundled: those are what a read command loads on every run.
 */
const EXTERNAL = ['fastify', 'prom-client', 'pino'];

/** Each bundled module of dist/ sees its own dist/ address as import.meta.url, as it would unbundled. */
const ownImportMetaUrl = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, (args) => {
      if (!args.path.startsWith(dist + path.sep)) return undefined;
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      // Every output file is written to dist/cli/ (no chunk subfolder), so this path holds for each.
      const own = path.relative(cliDir, args.path).split(path.sep).join('/');
      return { contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(own)}, import.meta.url).href`), loader: 'js' };
    });
  },
};

// tsc's output is the input: once bundled, dist/cli/ holds the bundle only, and bundling it again would wrap it.
if (!existsSync(path.join(cliDir, 'command-registry.js'))) throw new Error('build-cli: dist/cli/ holds no tsc output (bundled already?): run `npm run build`');
rmSync(staging, { recursive: true, force: true });
const result = await build({
  entryPoints: { main: path.join(cliDir, 'main.js') },
  outdir: staging,
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.9',
  external: EXTERNAL,
  // Bundled CommonJS (ioredis, commander) calls require() for Node's built-ins: give ESM one.
  banner: { js: "import { createRequire as __rendezvousRequire } from 'node:module';\nconst require = __rendezvousRequire(import.meta.url);" },
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'inline',
  plugins: [ownImportMetaUrl],
  logLevel: 'warning',
  metafile: true,
});

// dist/cli/ becomes the bundle only: tsc's modules there are inside it now, and nothing else imports them.
rmSync(cliDir, { recursive: true, force: true });
renameSync(staging, cliDir);
chmodSync(path.join(cliDir, 'main.js'), 0o755);

// The bundle carries copies of those packages' code: their licences go with it.
const packageDirs = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (match) packageDirs.add(path.resolve(match[1]));
}
const notices = [...packageDirs]
  .map((dir) => {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const licenceFile = readdirSync(dir).find((name) => /^licen[cs]e/i.test(name));
    const text = licenceFile ? readFileSync(path.join(dir, licenceFile), 'utf8').trim() : `(no licence file; package.json says ${manifest.license})`;
    return { name: manifest.name, text: `${manifest.name}@${manifest.version} (${manifest.license})\n\n${text}\n` };
  })
  .sort((a, b) => a.name.localeCompare(b.name));
writeFileSync(path.join(cliDir, 'THIRD-PARTY-LICENSES.txt'), `The files of this folder (the rendezvous command line, bundled) include code of these packages:\n\n${notices.map((n) => n.text).join('\n---\n\n')}`);

const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.js'));
const bytes = outputs.reduce((sum, [, output]) => sum + output.bytes, 0);
console.log(`build-cli: dist/cli/ is ${outputs.length} files, ${(bytes / 1024).toFixed(0)} KiB`);
