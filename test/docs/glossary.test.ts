/**
 * docs/glossary.md names real keys, and the README and the API reference link it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { globalKeys, keys } from '../../src/index.js';
import { readRepoFile } from './markdown.js';

const GLOSSARY = 'docs/glossary.md';
const text = readRepoFile(GLOSSARY);

/** A key pattern with every `<placeholder>` made alike. */
const shape = (pattern: string): string => pattern.replace(/<[^>]*>/g, '<>');

describe('docs/glossary.md', () => {
  test('every key or channel it names is one that keys or globalKeys builds', () => {
    const builders = [...Object.values(keys), ...Object.values(globalKeys)] as ((...args: string[]) => string)[];
    const known = new Set(builders.map((build) => shape(build(...Array.from({ length: build.length }, (_, i) => `<${i}>`)))));
    const named = [...text.matchAll(/`((?:blocking|coordinator|swarm):[^`]*)`/g)].map((m) => m[1]!);
    assert.ok(named.length >= 15, `found ${named.length} keys`);
    assert.deepEqual(
      named.filter((key) => !known.has(shape(key))),
      [],
      `${GLOSSARY} names keys that src/protocol/keys.ts does not build`,
    );
  });

  test('README.md and docs/api.md link it', () => {
    assert.ok(/\]\(docs\/glossary\.md\)/.test(readRepoFile('README.md')), 'README.md links docs/glossary.md');
    assert.ok(/\]\(glossary\.md\)/.test(readRepoFile('docs/api.md')), 'docs/api.md links glossary.md');
  });
});
