import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { RESULT_CODES } from '../../src/store/result-codes.js';
import { expandIncludes, readLuaScript } from '../../src/store/redis/lua-source.js';

const fragments: Record<string, string> = {
  a: '--- @include "b"\nlocal function a() return b() end',
  b: 'local function b() return 1 end',
  loop: '--- @include "loop-too"',
  'loop-too': '--- @include "loop"',
};
const read = (name: string): string | undefined => fragments[name];

test('an include is replaced by its fragment, itself expanded, in place', () => {
  assert.equal(expandIncludes('s.lua', '-- head\n--- @include "a"\nreturn a()', read), '-- head\nlocal function b() return 1 end\nlocal function a() return b() end\nreturn a()');
});

test('a fragment included twice, directly and through another, appears once', () => {
  const expanded = expandIncludes('s.lua', '--- @include "b"\n--- @include "a"\n--- @include "b"\nreturn a()', read);
  assert.equal(expanded.match(/local function b\(\)/g)?.length, 1);
  assert.ok(expanded.indexOf('function b') < expanded.indexOf('function a'), 'defined before its first use');
});

test('a missing fragment, or a cycle, is an error naming where it came from', () => {
  assert.throws(() => expandIncludes('warn.lua', '--- @include "nope"', read), /warn\.lua: Lua include "nope" not found \(no includes\/nope\.lua\)/);
  assert.throws(() => expandIncludes('s.lua', '--- @include "broken"', (name) => (name === 'broken' ? '--- @include "nope"' : undefined)), /^Error: broken: Lua include "nope" not found/);
  assert.throws(() => expandIncludes('s.lua', '--- @include "loop"', read), /Lua include cycle: s\.lua -> loop -> loop-too -> loop/);
});

test('result-codes is generated from the TypeScript table', () => {
  const expanded = expandIncludes('s.lua', '--- @include "result-codes"', read);
  for (const [name, code] of Object.entries(RESULT_CODES)) assert.match(expanded, new RegExp(`^local ${name} = ${code}$`, 'm'));
});

test('every script expands with no include left; codes come from the table, never written as numbers', () => {
  const dir = new URL('../../src/store/redis/lua/', import.meta.url);
  const files = readdirSync(dir).filter((name) => name.endsWith('.lua'));
  assert.ok(files.length >= 18);
  for (const file of files) {
    const expanded = readLuaScript(dir, file);
    assert.doesNotMatch(expanded, /@include/, file);
    assert.doesNotMatch(readFileSync(new URL(file, dir), 'utf8'), /return -1\b|, -1,/, `${file} names FENCED instead of -1`);
  }
  for (const file of ['warn.lua', 'clear-warning.lua', 'mark-spawned.lua', 'escalate.lua', 'fenced-write.lua']) {
    assert.match(readLuaScript(dir, file), /local function fencedOutBy/, `${file} has the one fence check`);
  }
});
