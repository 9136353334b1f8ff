/**
 * What the docs tests read: the Markdown files, their fenced code blocks, and the package's
 * exports (values from the module itself, types parsed from src/index.ts).
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A file of the repository, by its path relative to the root. */
export function readRepoFile(relative: string): string {
  return readFileSync(path.join(root, relative), 'utf8');
}

/** README.md and every docs/*.md, as paths relative to the root. */
export function markdownFiles(): string[] {
  const docs = readdirSync(path.join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs];
}

export interface CodeBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The first word of the info string (`ts`, `bash` ...). */
  lang: string;
  /** The rest of the info string (`signatures`, or empty). */
  mode: string;
  code: string;
  /** The reason of a `<!-- not-checked: reason -->` comment on the line before the fence. */
  notChecked?: string;
}

/** The fenced code blocks of a Markdown text (fences of three or more backticks at column 0). */
export function codeBlocks(file: string, text: string): CodeBlock[] {
  const lines = text.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const open = /^(`{3,})([^`\s]*)[ \t]*([^`]*?)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[1]!;
    let end = i + 1;
    while (end < lines.length && !(lines[end]!.startsWith(fence) && lines[end]!.trim() === fence)) end += 1;
    if (end === lines.length) throw new Error(`${file}:${i + 1}: code block never closed`);
    let before = i - 1;
    while (before >= 0 && lines[before]!.trim() === '') before -= 1;
    const comment = before >= 0 ? /^<!--\s*not-checked:(.*?)-->\s*$/.exec(lines[before]!.trim()) : null;
    blocks.push({
      file,
      line: i + 1,
      lang: open[2]!,
      mode: open[3]!,
      code: lines.slice(i + 1, end).join('\n'),
      ...(comment ? { notChecked: comment[1]!.trim() } : {}),
    });
    i = end;
  }
  return blocks;
}

/** The blocks the typecheck test compiles the TypeScript of. */
export function isTypeScript(block: CodeBlock): boolean {
  return block.lang === 'ts' || block.lang === 'typescript';
}

/** The headings of a Markdown text, outside code blocks: level and text. */
export function headings(text: string): { level: number; text: string; line: number }[] {
  const found: { level: number; text: string; line: number }[] = [];
  let fence: string | undefined;
  for (const [i, line] of text.split('\n').entries()) {
    const marker = /^(`{3,})/.exec(line)?.[1];
    if (marker && (fence === undefined || line.trim() === fence)) {
      fence = fence === undefined ? marker : undefined;
      continue;
    }
    if (fence !== undefined) continue;
    const heading = /^(#{1,6})\s+(.*?)\s*$/.exec(line);
    if (heading) found.push({ level: heading[1]!.length, text: heading[2]!, line: i + 1 });
  }
  return found;
}

/**
 * The names the package exports only as types (`export type { ... }`, `export { type ... }`, and
 * the interfaces and type aliases of modules re-exported with `export *`), parsed from the source
 * with the TypeScript parser (no type checking).
 */
export function typeOnlyExports(entry = 'src/index.ts'): string[] {
  const names = new Set<string>();
  const visit = (relative: string, seen: Set<string>): void => {
    if (seen.has(relative)) return;
    seen.add(relative);
    const source = ts.createSourceFile(relative, readRepoFile(relative), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    const exported = (node: ts.Node): boolean =>
      ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    for (const statement of source.statements) {
      if (ts.isExportDeclaration(statement)) {
        if (statement.exportClause && ts.isNamedExports(statement.exportClause)) {
          for (const element of statement.exportClause.elements) {
            if (statement.isTypeOnly || element.isTypeOnly) names.add(element.name.text);
          }
        } else if (!statement.exportClause && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
          // export * from './x.js': the types of ./x.ts
          const target = path.posix.join(path.posix.dirname(relative), statement.moduleSpecifier.text).replace(/\.js$/, '.ts');
          visit(target, seen);
        }
      } else if ((ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) && exported(statement) && relative !== entry) {
        names.add(statement.name.text);
      }
    }
  };
  visit(entry, new Set());
  return [...names].sort();
}

/** Every export of the package: the module's own keys at run time, and its type-only exports. */
export async function packageExports(): Promise<{ values: string[]; types: string[] }> {
  const module: Record<string, unknown> = await import('../../src/index.js');
  const values = Object.keys(module).sort();
  const types = typeOnlyExports().filter((name) => !values.includes(name));
  return { values, types };
}
