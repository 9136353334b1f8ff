/**
 * docs/api.md documents every export of the package, by the rule stated at its top: an export is
 * documented where a heading names it, a ```ts signatures block declares it (and so
 * code-blocks.test.ts compares it with the package), or a table row's first cell names it in backticks.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { globalKeys, keys } from '../../src/index.js';
import { codeBlocks, headings, isTypeScript, packageExports, readRepoFile } from './markdown.js';

const API = 'docs/api.md';
const text = readRepoFile(API);

const escape = (name: string): string => name.replace(/[$]/g, '\\$&');

/** Where docs/api.md documents `name`, or undefined. */
function whereDocumented(name: string): string | undefined {
  const word = new RegExp(`(^|[^\\w$])${escape(name)}($|[^\\w$])`);
  const heading = headings(text).find((h) => word.test(h.text.replace(/`/g, '')));
  if (heading) return `heading at line ${heading.line}`;
  const declaration = new RegExp(`(^|\\s)(interface|type|class|function|const|let|enum)\\s+${escape(name)}($|[^\\w$])`, 'm');
  const block = codeBlocks(API, text).find((b) => isTypeScript(b) && b.mode === 'signatures' && declaration.test(b.code));
  if (block) return `declared in the ts signatures block at line ${block.line}`;
  // The first cell of a table row: `name`, `name(...)`, `name<...>`, `name.x(...)`, `new name(...)`.
  const cell = new RegExp(`^\\|[^|]*\`(new\\s+)?${escape(name)}([(<.][^\`]*)?\``);
  const row = text.split('\n').findIndex((line) => cell.test(line));
  if (row >= 0) return `table row at line ${row + 1}`;
  return undefined;
}

describe('docs/api.md', () => {
  test('states the rule its test holds it to', () => {
    assert.ok(/test\/docs\/api\.test\.ts/.test(text.slice(0, 2_000)), 'the top of docs/api.md names test/docs/api.test.ts and states its rule');
  });

  test('documents every export of src/index.ts, values and types', async () => {
    const { values, types } = await packageExports();
    assert.ok(values.length > 20 && types.length > 20, `found ${values.length} value and ${types.length} type exports`);
    const missing = [...values.map((name) => ({ name, kind: 'value' })), ...types.map((name) => ({ name, kind: 'type' }))].filter(
      ({ name }) => whereDocumented(name) === undefined,
    );
    assert.equal(
      missing.length,
      0,
      `${API} must document these exports (a heading, a declaration in a \`\`\`ts signatures block, or a table row whose first cell names it in backticks): ` +
        missing.map(({ name, kind }) => `${name} (${kind})`).join(', '),
    );
  });

  test('the key tables have a row for every key builder of keys and globalKeys', () => {
    const builders = [...Object.keys(keys).map((name) => `keys.${name}`), ...Object.keys(globalKeys).map((name) => `globalKeys.${name}`)];
    const missing = builders.filter((builder) => !text.split('\n').some((line) => line.startsWith(`| \`${builder}(`)));
    assert.deepEqual(missing, [], `${API}: a row \`| \`keys.name(...)\` | key | type | TTL |\` for each`);
  });
});
