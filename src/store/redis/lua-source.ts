import { readFileSync } from 'node:fs';
import { MAX_EPOCH } from '../../protocol/election-seal.js';
import { RESULT_CODES } from '../result-codes.js';

/**
 * A line `--- @include "name"` (as BullMQ writes them) stands for the fragment `name`: a file
 * lua/includes/<name>.lua, or one generated here. Shared fragments (the fence check, the batch
 * loop) are thus written once. `npm run build` writes the scripts expanded into dist
 * (scripts/build-lua.mjs); run from src, the loader expands them as it reads them.
 */
const INCLUDE_LINE = /^--- @include "([^"]+)"[ \t]*$/gm;

/** Fragments made from TypeScript tables, so that Lua reads the same values. */
const GENERATED: Readonly<Record<string, string>> = {
  'result-codes': [
    '-- Generated from src/store/result-codes.ts (lua-source.ts): the codes scripts return.',
    ...Object.entries(RESULT_CODES).map(([name, code]) => `local ${name} = ${code}`),
  ].join('\n'),
  'max-epoch': ['-- Generated from src/protocol/election-seal.ts (lua-source.ts): the highest epoch there can be.', `local MAX_EPOCH = ${MAX_EPOCH}`].join('\n'),
};

/**
 * `source` with each include line replaced by its fragment, itself expanded. Each fragment is
 * included once (a later include of it adds nothing: its functions are defined already); a missing
 * fragment or an include cycle throws, naming the file that asked for it.
 */
export function expandIncludes(file: string, source: string, readFragment: (name: string) => string | undefined): string {
  const included = new Set<string>();
  const expand = (text: string, chain: readonly string[]): string =>
    text.replace(INCLUDE_LINE, (_line, name: string) => {
      if (chain.includes(name)) throw new Error(`Lua include cycle: ${[...chain, name].join(' -> ')}`);
      if (included.has(name)) return '';
      const fragment = GENERATED[name] ?? readFragment(name);
      if (fragment === undefined) throw new Error(`${chain.at(-1)}: Lua include "${name}" not found (no includes/${name}.lua)`);
      included.add(name);
      return expand(fragment, [...chain, name]).trimEnd();
    });
  return expand(source, [file]);
}

/** The script `file` of the directory `dir` (a lua/ folder), its includes (from dir/includes/) expanded. */
export function readLuaScript(dir: URL, file: string): string {
  const read = (url: URL): string | undefined => {
    try {
      return readFileSync(url, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  };
  const source = read(new URL(file, dir));
  if (source === undefined) throw new Error(`Lua script ${file} not found in ${dir.pathname}`);
  return expandIncludes(file, source, (name) => read(new URL(`includes/${name}.lua`, dir)));
}
