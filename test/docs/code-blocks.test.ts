/**
 * Every TypeScript block of README.md and docs/*.md typechecks against the package, with the
 * repository's compiler options, in one Program ('rendezvous' maps to src/index.ts, so it needs no
 * build). The blocks are virtual files: nothing is written to disk.
 *
 * - A ```ts block is an example: it is compiled as an ES module on its own, as it stands. It
 *   declares what it uses and does not define (`declare const store: Store;`).
 * - A ```ts signatures block lists declarations, as a reference page shows them: functions,
 *   classes (`class X { constructor(...) }`), interfaces, type aliases, and methods (lines such as
 *   `start(): Promise<void>`, of the class named by the nearest `##` heading above the block).
 *   The package's exports are in scope. Each declaration must not only compile but match the
 *   package: a function, a method or a type is the same (assignable both ways) as the package's of
 *   that name, an interface has the same fields, a class takes the same constructor arguments.
 * - A block after a `<!-- not-checked: reason -->` line is not compiled; keep them rare.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import ts from 'typescript';
import { codeBlocks, headings, isTypeScript, markdownFiles, packageExports, readRepoFile, root, type CodeBlock } from './markdown.js';

/** What a line of a virtual file stands for in the docs. */
interface LineInfo {
  docLine: number;
  /** Set on a check line: what it compares. */
  check?: string;
}

interface Unit {
  block: CodeBlock;
  fileName: string;
  source: string;
  lines: LineInfo[];
  /** Problems found before compiling (a method with no class to belong to ...). */
  problems: string[];
}

const VIRTUAL_DIR = path.join(root, '.docs-blocks');

function virtualName(block: CodeBlock): string {
  return path.join(VIRTUAL_DIR, `${block.file.replace(/[/.]/g, '_')}-L${block.line}.mts`);
}

function exampleUnit(block: CodeBlock): Unit {
  const lines = block.code.split('\n').map((_, i) => ({ docLine: block.line + 1 + i }));
  return { block, fileName: virtualName(block), source: block.code, lines, problems: [] };
}

const TOP_LEVEL = /^(export\s+)?(declare\s+)?(interface|type|class|abstract\s+class|function|const|enum)\s+([A-Za-z_$][\w$]*)/;
const MEMBER = /^[A-Za-z_$][\w$]*\??\s*[<(]/;

/**
 * A signatures block as an ambient module: the package's exports imported as types (all on the
 * first line), functions and classes made `declare`, each run of method lines wrapped in a
 * `declare class __MembersN`, then one line per comparison with the package.
 */
function signaturesUnit(block: CodeBlock, owner: string | undefined, exported: ReadonlySet<string>): Unit {
  const problems: string[] = [];
  const code = block.code.split('\n');
  const out: string[] = [];
  const lines: LineInfo[] = [{ docLine: block.line }];
  const declared = new Set<string>();
  let runs = 0;
  let inRun = false;
  const closeRun = (): string => {
    if (!inRun) return '';
    inRun = false;
    return '} ';
  };
  for (const [i, line] of code.entries()) {
    const docLine = block.line + 1 + i;
    lines.push({ docLine });
    const top = TOP_LEVEL.exec(line);
    if (/^import\s/.test(line)) {
      // names from another package (`import type { RedisOptions } from 'ioredis';`)
      for (const [, name] of line.replace(/\bfrom\b.*$/, '').matchAll(/([A-Za-z_$][\w$]*)\s*[,}]/g)) declared.add(name!);
      out.push(closeRun() + line);
    } else if (top) {
      declared.add(top[4]!);
      const needsDeclare = !top[2] && /^(class|abstract\s+class|function|const|enum)$/.test(top[3]!);
      out.push(closeRun() + (needsDeclare ? `declare ${line}` : line));
    } else if (MEMBER.test(line)) {
      if (!owner) problems.push(`${block.file}:${docLine}: a method line, but no \`##\` heading above the block names an exported class`);
      const open = inRun ? '' : `declare class __Members${(runs += 1)} { `;
      inRun = true;
      out.push(open + line);
    } else if (line.trim() === '') {
      out.push(closeRun() + line);
    } else if (/^[\s|})\]]/.test(line) || /^\/[/*]/.test(line)) {
      out.push(line); // a continuation, or a comment
    } else {
      problems.push(`${block.file}:${docLine}: neither a declaration nor a method signature: ${line}`);
      out.push(`// ${line}`);
    }
  }
  if (inRun) {
    out.push('}');
    lines.push({ docLine: block.line + code.length });
  }

  // The comparisons, from the declarations as the TypeScript parser reads them.
  const parsed = ts.createSourceFile('block.mts', out.join('\n'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const checks: { text: string; docLine: number; check: string }[] = [];
  const docLineOf = (node: ts.Node): number => block.line + 1 + parsed.getLineAndCharacterOfPosition(node.getStart(parsed)).line;
  let n = 0;
  /** Two lines: a value of type `a` must be usable as `b`, and one of `b` as `a`. */
  const same = (docType: string, realType: string, docLine: number, what: string): void => {
    n += 1;
    checks.push({ text: `declare const __doc${n}: ${docType}; export const __asPackage${n}: ${realType} = __doc${n};`, docLine, check: `${what} as documented is not the package's` });
    checks.push({ text: `declare const __pkg${n}: ${realType}; export const __asDoc${n}: ${docType} = __pkg${n};`, docLine, check: `${what} in the package is not as documented` });
  };
  const sameKeys = (docType: string, realType: string, docLine: number, what: string): void => {
    n += 1;
    checks.push({ text: `declare const __undocumented${n}: Exclude<keyof ${realType}, keyof ${docType}>; export const __u${n}: never = __undocumented${n};`, docLine, check: `${what}: a field of the package's is not documented` });
    checks.push({ text: `declare const __unknown${n}: Exclude<keyof ${docType}, keyof ${realType}>; export const __k${n}: never = __unknown${n};`, docLine, check: `${what}: a documented field is not the package's` });
  };
  const typeArguments = (parameters: ts.NodeArray<ts.TypeParameterDeclaration> | undefined): string =>
    parameters?.length ? `<${parameters.map((p, i) => (p.constraint ? p.constraint.getText(parsed) : `__Arg${i}`)).join(', ')}>` : '';
  for (const statement of parsed.statements) {
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        const name = ts.isIdentifier(declaration.name) ? declaration.name.text : undefined;
        if (name && exported.has(name)) same(`typeof ${name}`, `typeof __pkg.${name}`, docLineOf(declaration), `const ${name}`);
      }
      continue;
    }
    if (!ts.isClassDeclaration(statement) && !ts.isInterfaceDeclaration(statement) && !ts.isTypeAliasDeclaration(statement) && !ts.isFunctionDeclaration(statement)) continue;
    const name = statement.name?.text;
    if (!name) continue;
    const docLine = docLineOf(statement);
    if (ts.isClassDeclaration(statement) && name.startsWith('__Members')) {
      for (const member of statement.members) {
        if (!member.name || !ts.isIdentifier(member.name) || !owner) continue;
        const m = member.name.text;
        same(`${name}['${m}']`, `__pkg.${owner}['${m}']`, docLineOf(member), `${owner}.${m}()`);
      }
    } else if (!exported.has(name)) {
      continue; // a helper type of the page's own: compiled, not compared
    } else if (ts.isFunctionDeclaration(statement)) {
      same(`typeof ${name}`, `typeof __pkg.${name}`, docLine, `function ${name}`);
    } else if (ts.isClassDeclaration(statement)) {
      same(`ConstructorParameters<typeof ${name}>`, `ConstructorParameters<typeof __pkg.${name}>`, docLine, `the constructor of ${name}`);
      n += 1;
      checks.push({ text: `declare const __instance${n}: __pkg.${name}; export const __i${n}: ${name} = __instance${n};`, docLine, check: `an instance of the package's ${name} is not one of the class as documented` });
    } else {
      const args = typeArguments(statement.typeParameters);
      same(`${name}${args}`, `__pkg.${name}${args}`, docLine, `type ${name}`);
      if (ts.isInterfaceDeclaration(statement)) sameKeys(`${name}${args}`, `__pkg.${name}${args}`, docLine, `interface ${name}`);
    }
  }
  const markers = Array.from({ length: 4 }, (_, i) => `interface __Arg${i} { readonly __arg${i}: 'type argument ${i}' }`).join(' ');

  const names = [...exported].filter((name) => !declared.has(name)).sort();
  const prelude =
    `import type { ${names.join(', ')} } from 'rendezvous'; import type * as __pkg from 'rendezvous'; ` +
    (declared.has('EventEmitter') ? '' : "import { EventEmitter } from 'node:events'; ") +
    markers;
  for (const check of checks) lines.push({ docLine: check.docLine, check: check.check });
  const source = [prelude, ...out, ...checks.map((c) => c.text)].join('\n');
  return { block, fileName: virtualName(block), source, lines, problems };
}

/** The class a signatures block's methods belong to: the exported class named by the nearest `##` heading above it. */
function ownerOf(block: CodeBlock, classes: readonly string[]): string | undefined {
  const above = headings(readRepoFile(block.file)).filter((h) => h.level === 2 && h.line < block.line).at(-1);
  if (!above) return undefined;
  const words = new Set(above.text.replace(/`/g, '').split(/[^\w$]+/));
  const named = classes.filter((name) => words.has(name));
  return named.length === 1 ? named[0] : undefined;
}

function compilerOptions(): ts.CompilerOptions {
  const config = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile);
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  return {
    ...parsed.options,
    noEmit: true,
    declaration: false,
    sourceMap: false,
    paths: { rendezvous: [path.join(root, 'src/index.ts')] },
  };
}

interface Failure {
  at: string;
  message: string;
}

function typecheck(units: readonly Unit[]): { failures: Failure[]; optionErrors: string[] } {
  const options = compilerOptions();
  const host = ts.createCompilerHost(options);
  const byName = new Map(units.map((unit) => [unit.fileName, unit]));
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const unit = byName.get(fileName);
    return unit ? ts.createSourceFile(fileName, unit.source, languageVersion, true) : getSourceFile.call(host, fileName, languageVersion, onError, shouldCreate);
  };
  host.fileExists = (fileName) => byName.has(fileName) || fileExists.call(host, fileName);
  host.readFile = (fileName) => byName.get(fileName)?.source ?? readFile.call(host, fileName);
  const program = ts.createProgram({ rootNames: [...byName.keys()], options, host });
  const optionErrors = program.getOptionsDiagnostics().map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  const failures: Failure[] = [];
  for (const unit of units) {
    const sourceFile = program.getSourceFile(unit.fileName);
    assert.ok(sourceFile, `${unit.fileName} is in the program`);
    for (const diagnostic of [...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile)]) {
      const line = diagnostic.start === undefined ? 0 : sourceFile.getLineAndCharacterOfPosition(diagnostic.start).line;
      const info = unit.lines[Math.min(line, unit.lines.length - 1)] ?? { docLine: unit.block.line };
      // import("/…/src/x", { with: … }).Name reads as rendezvous.Name
      const message = ts
        .flattenDiagnosticMessageText(diagnostic.messageText, '\n    ')
        .replace(/import\("[^"]*", \{ with: \{ "resolution-mode": "import" \} \}\)\./g, 'rendezvous.');
      failures.push({ at: `${unit.block.file}:${info.docLine}`, message: info.check ? `${info.check}:\n    ${message}` : `TS${diagnostic.code}: ${message}` });
    }
  }
  return { failures, optionErrors };
}

describe('TypeScript blocks of README.md and docs/*.md', () => {
  test('each typechecks against the package (examples as they stand, signatures against the real API)', async () => {
    const blocks = markdownFiles().flatMap((file) => codeBlocks(file, readRepoFile(file)).filter(isTypeScript));
    const checked = blocks.filter((block) => block.notChecked === undefined);
    assert.ok(checked.length >= 20, `found ${checked.length} checked blocks`);

    const module: Record<string, unknown> = await import('../../src/index.js');
    const { values, types } = await packageExports();
    const exported = new Set([...values, ...types]);
    const classes = values.filter((name) => typeof module[name] === 'function' && /^class\b/.test(Function.prototype.toString.call(module[name])));

    const unknownModes = checked.filter((block) => block.mode !== '' && block.mode !== 'signatures');
    assert.deepEqual(unknownModes.map((b) => `${b.file}:${b.line}: \`\`\`${b.lang} ${b.mode}`), [], 'a ts block is an example (```ts) or declarations (```ts signatures)');

    const units = checked.map((block) => (block.mode === 'signatures' ? signaturesUnit(block, ownerOf(block, classes), exported) : exampleUnit(block)));
    const problems = units.flatMap((unit) => unit.problems);
    const { failures, optionErrors } = typecheck(units);
    assert.deepEqual(optionErrors, [], 'the compiler options are valid');
    const report = [...problems, ...failures.map((f) => `${f.at}: ${f.message}`)];
    assert.equal(report.length, 0, `${report.length} problem(s) in the docs' TypeScript blocks:\n${report.join('\n')}`);
  });

  test('each unchecked block says why', () => {
    const blocks = markdownFiles().flatMap((file) => codeBlocks(file, readRepoFile(file)).filter(isTypeScript));
    const unchecked = blocks.filter((block) => block.notChecked !== undefined);
    assert.deepEqual(
      unchecked.filter((block) => block.notChecked === '').map((b) => `${b.file}:${b.line}`),
      [],
      'write the reason: <!-- not-checked: why this block cannot compile -->',
    );
    assert.ok(unchecked.length <= 3, `keep unchecked blocks rare (${unchecked.length}): make them complete instead`);
  });
});
