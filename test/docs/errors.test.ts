/**
 * docs/errors.md and the error catalogue (src/protocol/errors.ts) say the same: every code has a
 * catalogue row and a section naming its class, the class is the one that throws that code, and
 * no page mentions a code that does not exist.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import ts from 'typescript';
import * as rendezvous from '../../src/index.js';
import { ERROR_CODES, RendezvousError } from '../../src/index.js';
import { headings, markdownFiles, readRepoFile } from './markdown.js';

const ERRORS = 'docs/errors.md';
const text = readRepoFile(ERRORS);
const codes: string[] = Object.values(ERROR_CODES);

/** Each error class of src/protocol/errors.ts and the code its constructor passes to super(). */
function classCodes(): Map<string, string> {
  const source = ts.createSourceFile('errors.ts', readRepoFile('src/protocol/errors.ts'), ts.ScriptTarget.Latest, true);
  const found = new Map<string, string>();
  for (const statement of source.statements) {
    if (!ts.isClassDeclaration(statement) || !statement.name) continue;
    const visit = (node: ts.Node): void => {
      if (
        ts.isCallExpression(node) &&
        node.expression.kind === ts.SyntaxKind.SuperKeyword &&
        node.arguments[0] &&
        ts.isPropertyAccessExpression(node.arguments[0]) &&
        node.arguments[0].expression.getText(source) === 'ERROR_CODES'
      ) {
        const key = node.arguments[0].name.text as keyof typeof ERROR_CODES;
        found.set(statement.name!.text, ERROR_CODES[key]);
      }
      ts.forEachChild(node, visit);
    };
    visit(statement);
  }
  return found;
}

describe('docs/errors.md', () => {
  test('every error class of the catalogue is exported and throws its own code', () => {
    const classes = classCodes();
    assert.deepEqual([...new Set(classes.values())].sort(), [...codes].sort(), 'each code has exactly one class, each class a code');
    assert.equal(new Set(classes.values()).size, classes.size, 'no two classes share a code');
    const exported = rendezvous as unknown as Record<string, unknown>;
    for (const name of classes.keys()) {
      const value = exported[name];
      assert.ok(typeof value === 'function' && value.prototype instanceof RendezvousError, `${name} is exported and extends RendezvousError`);
    }
  });

  test('every code has a catalogue row and a section, both naming its class', () => {
    const byCode = new Map([...classCodes()].map(([name, code]) => [code, name]));
    const problems: string[] = [];
    const sections = headings(text);
    for (const code of codes) {
      const name = byCode.get(code);
      const row = text.split('\n').filter((line) => line.startsWith(`| \`${code}\` |`));
      if (row.length !== 1) problems.push(`${code}: ${row.length} catalogue rows (want 1)`);
      else if (!row[0]!.startsWith(`| \`${code}\` | \`${name}\` |`)) problems.push(`${code}: the catalogue row names another class than ${name}`);
      const section = sections.filter((h) => h.text.startsWith(`${code}:`));
      if (section.length !== 1) problems.push(`${code}: ${section.length} sections (want one heading \`### ${code}: ${name}\`)`);
      else if (section[0]!.text !== `${code}: ${name}` || section[0]!.level !== 3) problems.push(`${code}: the heading reads "${'#'.repeat(section[0]!.level)} ${section[0]!.text}", want "### ${code}: ${name}"`);
    }
    assert.deepEqual(problems, []);
  });

  test('every table row that pairs a class with a code, on any page, pairs them as the source does', () => {
    const byClass = classCodes();
    const wrong: string[] = [];
    for (const file of markdownFiles()) {
      for (const [i, line] of readRepoFile(file).split('\n').entries()) {
        const pair = /^\| `(\w+)` \| `(\w+)` \|/.exec(line);
        if (!pair) continue;
        const [name, code] = pair[1]!.startsWith('RDV_ERR_') ? [pair[2]!, pair[1]!] : [pair[1]!, pair[2]!];
        if (!code.startsWith('RDV_ERR_')) continue;
        if (byClass.get(name) !== code) wrong.push(`${file}:${i + 1}: ${name} is paired with ${code}; the source says ${byClass.get(name) ?? 'no such class'}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  test('no page mentions a code that does not exist', () => {
    const unknown: string[] = [];
    for (const file of markdownFiles()) {
      for (const [i, line] of readRepoFile(file).split('\n').entries()) {
        for (const [code] of line.matchAll(/RDV_ERR_[A-Z0-9_]+/g)) {
          if (!codes.includes(code)) unknown.push(`${file}:${i + 1}: ${code}`);
        }
      }
    }
    assert.deepEqual(unknown, [], 'codes not in ERROR_CODES');
  });
});
