/**
 * `node --import tsx --import ./bench/build/register.mjs ...`: the benchmark measures the build users
 * run (dist/), not the source under tsx. Refuses a missing build, or one older than the source.
 */
import { readdirSync, statSync } from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

function newestSourceMs(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    newest = Math.max(newest, entry.isDirectory() ? newestSourceMs(path) : statSync(path).mtimeMs);
  }
  return newest;
}

let builtMs;
try {
  builtMs = statSync(`${root}dist/index.js`).mtimeMs;
} catch {
  throw new Error('the benchmark loads the build: dist/index.js is missing; run `npm run build` first');
}
if (newestSourceMs(`${root}src`) > builtMs) {
  throw new Error('the benchmark loads the build: src/ changed after dist/ was built; run `npm run build` first');
}
register('./hooks.mjs', import.meta.url);
