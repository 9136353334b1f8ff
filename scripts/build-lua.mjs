// tsc does not copy assets: write the Lua scripts beside the compiled Redis adapter, their
// `--- @include` lines expanded by the same code the adapter uses when run from src.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readLuaScript } from '../dist/store/redis/lua-source.js';

const from = new URL('../src/store/redis/lua/', import.meta.url);
const to = new URL('../dist/store/redis/lua/', import.meta.url);
rmSync(to, { recursive: true, force: true });
mkdirSync(to, { recursive: true });
for (const file of readdirSync(from).filter((name) => name.endsWith('.lua'))) {
  writeFileSync(new URL(file, to), readLuaScript(from, file));
}
