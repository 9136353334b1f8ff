/**
 * Module hooks for the benchmark: whatever resolves to the library's source (src/**.ts, through
 * tsx) loads from its build instead (dist/**.js), read as it is: no tsx transform, which would
 * keep function names and cost each coordinator about 5 KB of heap users do not have.
 */
import { readFile } from 'node:fs/promises';

const ROOT = new URL('../../', import.meta.url).href;
const SRC = `${ROOT}src/`;
const DIST = `${ROOT}dist/`;

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  if (!resolved.url.startsWith(SRC) || !resolved.url.endsWith('.ts')) return resolved;
  return { url: `${DIST}${resolved.url.slice(SRC.length, -'.ts'.length)}.js`, format: 'module', shortCircuit: true };
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith(DIST) || !url.endsWith('.js')) return nextLoad(url, context);
  return { format: 'module', source: await readFile(new URL(url)), shortCircuit: true };
}
