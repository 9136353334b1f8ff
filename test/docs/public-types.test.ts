/**
 * Every type that appears in a public signature of the package is exported from src/index.ts
 * (issue 10, point 4), so a user can name what they pass in and get back.
 *
 * One TypeScript program over src/index.ts (the repository's tsconfig.json options). From each
 * export it collects the named types (interfaces, type aliases, classes, enums declared in src/)
 * that its public surface references:
 * - classes: heritage clauses, type parameters, public constructor parameters, public methods'
 *   parameters and return types, public properties, getters and setters (static ones too), and for
 *   a subclass of node's EventEmitter each event of its event map (`Class.on('event')`);
 * - functions: parameters and return types (each overload);
 * - constants: their declared (or inferred) type;
 * - interfaces and type aliases: their heritage clauses, type parameters and members' types.
 * Types written in the source are read from the syntax; types left to inference (a method without
 * a return type, a property with only an initializer) from the checker's type.
 * It then does the same for every type it found, recursively, and requires each of them to be
 * exported from src/index.ts under its own name. Private (`#`, `private`) and protected members and
 * members marked `@internal` are not public surface; types of the standard library, of node and of
 * dependencies (ioredis, zod ...) are not this package's to export.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import ts from 'typescript';
import { packageExports, root } from './markdown.js';

const ENTRY = path.join(root, 'src/index.ts');
const SRC = `${path.join(root, 'src').split(path.sep).join('/')}/`;

type Named = ts.InterfaceDeclaration | ts.TypeAliasDeclaration | ts.ClassDeclaration | ts.EnumDeclaration;

/** Where a type was seen: the site (`Owner.member`), after the chain of sites that led to its owner. */
interface At {
  site: string;
  chain: string;
}

interface Found {
  name: string;
  /** `file:line` of its declaration. */
  where: string;
  /** The first place it was seen, from an export: `Export.member -> Type.member -> ...`. */
  path: string;
  /** How many more times it was seen. */
  more: number;
}

function createProgram(): ts.Program {
  const config = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile);
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  return ts.createProgram({ rootNames: [ENTRY], options: { ...parsed.options, noEmit: true, declaration: false, sourceMap: false } });
}

const inSrc = (node: ts.Node): boolean => node.getSourceFile().fileName.startsWith(SRC);

const isNamed = (node: ts.Node): node is Named =>
  ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node) || ts.isClassDeclaration(node) || ts.isEnumDeclaration(node);

/** Private (`#x`, `private`), protected, or marked `@internal`: not public surface. */
function isHidden(node: ts.Node): boolean {
  const name = (node as { name?: ts.Node }).name;
  if (name && ts.isPrivateIdentifier(name)) return true;
  if (ts.canHaveModifiers(node)) {
    const hidden = (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword);
    if (hidden) return true;
  }
  return ts.getJSDocTags(node).some((tag) => tag.tagName.text === 'internal');
}

/** An overload's implementation (the declaration with a body beside declarations without one) is not public. */
function isOverloadImplementation(node: ts.Node, checker: ts.TypeChecker): boolean {
  if (!(ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isConstructorDeclaration(node)) || !node.body) return false;
  const symbol = ts.isConstructorDeclaration(node) ? undefined : node.name && checker.getSymbolAtLocation(node.name);
  const siblings = ts.isConstructorDeclaration(node) ? node.parent.members.filter(ts.isConstructorDeclaration) : (symbol?.declarations ?? []);
  return siblings.length > 1;
}

function nameText(name: ts.Node | undefined): string {
  if (!name) return '';
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return `'${name.text}'`;
  return name.getText();
}

/** The public types the package's exports reach, and the exports themselves. */
function collect(program: ts.Program): { found: Map<Named, Found>; exported: Map<string, Set<ts.Node>>; exportNames: string[] } {
  const checker = program.getTypeChecker();
  const entry = program.getSourceFile(ENTRY);
  assert.ok(entry, 'src/index.ts is in the program');
  const moduleSymbol = checker.getSymbolAtLocation(entry);
  assert.ok(moduleSymbol, 'src/index.ts is a module');

  const resolve = (symbol: ts.Symbol | undefined): ts.Symbol | undefined =>
    symbol && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;

  /** The declaration of a named type of src/ a symbol stands for, or undefined. */
  const namedOf = (symbol: ts.Symbol | undefined): Named | undefined => {
    const target = resolve(symbol);
    if (!target) return undefined;
    for (const declaration of target.declarations ?? []) {
      if (isNamed(declaration) && inSrc(declaration)) return declaration;
      if (ts.isEnumMember(declaration) && inSrc(declaration)) return declaration.parent;
    }
    return undefined;
  };

  const exported = new Map<string, Set<ts.Node>>();
  const exportNames: string[] = [];
  const roots: { name: string; declarations: ts.Declaration[] }[] = [];
  for (const symbol of checker.getExportsOfModule(moduleSymbol)) {
    const target = resolve(symbol)!;
    exportNames.push(symbol.name);
    exported.set(symbol.name, new Set(target.declarations ?? []));
    roots.push({ name: symbol.name, declarations: (target.declarations ?? []).filter(inSrc) });
  }
  exportNames.sort();
  roots.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const found = new Map<Named, Found>();
  const processed = new Set<ts.Node>();
  const queue: { declarations: ts.Declaration[]; owner: string; chain: string }[] = [];
  const seenTypes = new Set<ts.Type>();

  const see = (declaration: Named, at: At): void => {
    const seen = found.get(declaration);
    if (seen) {
      seen.more += 1;
      return;
    }
    const where = `${path.relative(root, declaration.getSourceFile().fileName)}:${declaration.getSourceFile().getLineAndCharacterOfPosition(declaration.getStart()).line + 1}`;
    const seenPath = at.chain ? `${at.chain} -> ${at.site}` : at.site;
    const name = declaration.name?.text ?? '(anonymous)';
    found.set(declaration, { name, where, path: seenPath, more: 0 });
    if (processed.has(declaration)) return;
    const symbol = declaration.name ? checker.getSymbolAtLocation(declaration.name) : undefined;
    const declarations = (symbol?.declarations ?? [declaration]).filter((d) => isNamed(d) && inSrc(d));
    for (const d of declarations) processed.add(d);
    queue.push({ declarations, owner: name, chain: seenPath });
  };

  /** A type as the checker sees it (for what the source leaves to inference). */
  const walkType = (type: ts.Type, at: At): void => {
    if (seenTypes.has(type)) return;
    seenTypes.add(type);
    if (type.aliasSymbol) {
      const named = namedOf(type.aliasSymbol);
      if (named) see(named, at);
      for (const argument of type.aliasTypeArguments ?? []) walkType(argument, at);
      return;
    }
    if (type.isUnionOrIntersection()) {
      for (const part of type.types) walkType(part, at);
      return;
    }
    if (type.flags & ts.TypeFlags.EnumLiteral || type.flags & ts.TypeFlags.Enum) {
      const named = namedOf(type.symbol);
      if (named) see(named, at);
      return;
    }
    if (!(type.flags & ts.TypeFlags.Object)) return;
    const objectFlags = (type as ts.ObjectType).objectFlags;
    if (objectFlags & ts.ObjectFlags.Reference) {
      for (const argument of checker.getTypeArguments(type as ts.TypeReference)) walkType(argument, at);
      if ((type as ts.TypeReference).target.objectFlags & ts.ObjectFlags.Tuple) return;
    }
    const symbol = type.symbol as ts.Symbol | undefined;
    const named = namedOf(symbol);
    if (named) {
      see(named, at);
      return;
    }
    // A class or interface of the standard library, node or a dependency: its type arguments only.
    if (symbol && symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface | ts.SymbolFlags.Enum)) return;
    // An anonymous object type: expand it if it is written in src/ or derived (mapped) from one.
    const local = (symbol?.declarations ?? []).some(inSrc);
    if (!local && !(objectFlags & ts.ObjectFlags.Mapped)) return;
    for (const property of checker.getPropertiesOfType(type)) {
      if ((property.declarations ?? []).some(isHidden)) continue;
      walkType(checker.getTypeOfSymbol(property), at);
    }
    for (const signature of [...type.getCallSignatures(), ...type.getConstructSignatures()]) {
      for (const parameter of signature.getParameters()) walkType(checker.getTypeOfSymbol(parameter), at);
      walkType(signature.getReturnType(), at);
    }
    for (const info of checker.getIndexInfosOfType(type)) walkType(info.type, at);
  };

  /** A type as written in the source. */
  const walkNode = (node: ts.Node | undefined, at: At): void => {
    if (!node || isHidden(node)) return;
    if (ts.isTypeReferenceNode(node) || ts.isExpressionWithTypeArguments(node)) {
      const symbol = resolve(checker.getSymbolAtLocation(ts.isTypeReferenceNode(node) ? node.typeName : node.expression));
      if (!symbol) walkType(checker.getTypeAtLocation(node), at);
      else if (!(symbol.flags & ts.SymbolFlags.TypeParameter)) {
        const named = namedOf(symbol);
        if (named) see(named, at);
      }
      for (const argument of node.typeArguments ?? []) walkNode(argument, at);
      return;
    }
    if (ts.isTypeQueryNode(node) || ts.isImportTypeNode(node)) {
      walkType(checker.getTypeFromTypeNode(node), at);
      return;
    }
    ts.forEachChild(node, (child) => walkNode(child, at));
  };

  /** A node's written type, or the type the checker infers for it. */
  const walkTyped = (typeNode: ts.TypeNode | undefined, node: ts.Node, at: At): void => {
    if (typeNode) walkNode(typeNode, at);
    else walkType(checker.getTypeAtLocation(node), at);
  };

  const walkTypeParameters = (parameters: readonly ts.TypeParameterDeclaration[] | undefined, at: At): void => {
    for (const parameter of parameters ?? []) {
      walkNode(parameter.constraint, at);
      walkNode(parameter.default, at);
    }
  };

  /** Parameters and return type: `label(param)` and `label()`. */
  const walkSignature = (declaration: ts.SignatureDeclaration, label: string, chain: string): void => {
    walkTypeParameters(declaration.typeParameters, { site: `${label}<>`, chain });
    declaration.parameters.forEach((parameter, index) => {
      const name = ts.isIdentifier(parameter.name) ? parameter.name.text : `#${index + 1}`;
      walkTyped(parameter.type, parameter, { site: `${label}(${name})`, chain });
    });
    if (ts.isConstructorDeclaration(declaration) || ts.isSetAccessorDeclaration(declaration) || ts.isConstructSignatureDeclaration(declaration)) {
      walkNode(declaration.type, { site: `${label}()`, chain });
      return;
    }
    if (declaration.type) walkNode(declaration.type, { site: `${label}()`, chain });
    else {
      const signature = checker.getSignatureFromDeclaration(declaration);
      if (signature) walkType(signature.getReturnType(), { site: `${label}()`, chain });
    }
  };

  /** The members of an interface, a type literal or a class. */
  const walkMembers = (members: readonly (ts.TypeElement | ts.ClassElement)[], owner: string, chain: string): void => {
    for (const member of members) {
      if (isHidden(member) || isOverloadImplementation(member, checker)) continue;
      const prefix = `${owner}.${nameText(member.name)}`;
      if (ts.isConstructorDeclaration(member)) walkSignature(member, `new ${owner}`, chain);
      else if (ts.isConstructSignatureDeclaration(member)) walkSignature(member, `new ${owner}`, chain);
      else if (ts.isCallSignatureDeclaration(member)) walkSignature(member, owner, chain);
      else if (ts.isIndexSignatureDeclaration(member)) walkSignature(member, `${owner}[]`, chain);
      else if (ts.isMethodDeclaration(member) || ts.isMethodSignature(member)) walkSignature(member, prefix, chain);
      else if (ts.isGetAccessorDeclaration(member)) walkTyped(member.type, member.name, { site: prefix, chain });
      else if (ts.isSetAccessorDeclaration(member)) walkSignature(member, prefix, chain);
      else if (ts.isPropertyDeclaration(member) || ts.isPropertySignature(member)) walkTyped(member.type, member.name, { site: prefix, chain });
      else if (ts.isClassStaticBlockDeclaration(member) || ts.isSemicolonClassElement(member)) continue;
      else assert.fail(`${prefix}: a ${ts.SyntaxKind[member.kind]} member this test does not know how to read`);
    }
  };

  const walkHeritage = (clauses: readonly ts.HeritageClause[] | undefined, owner: string, chain: string): void => {
    for (const clause of clauses ?? []) {
      const keyword = clause.token === ts.SyntaxKind.ExtendsKeyword ? 'extends' : 'implements';
      for (const type of clause.types) {
        const base = resolve(checker.getSymbolAtLocation(type.expression));
        walkNode(type, { site: `${owner} ${keyword} ${type.expression.getText()}`, chain });
        const fromNode = base?.name === 'EventEmitter' && (base.declarations ?? []).some((d) => /[\\/]node_modules[\\/]@types[\\/]node[\\/]/.test(d.getSourceFile().fileName));
        const events = type.typeArguments?.[0];
        if (!fromNode || !events) continue;
        // The event map: each event's listener arguments are part of `on`, `once`, `emit` ...
        for (const event of checker.getPropertiesOfType(checker.getTypeFromTypeNode(events))) {
          const declaration = event.valueDeclaration;
          if (declaration && isHidden(declaration)) continue;
          const at = { site: `${owner}.on('${event.name}')`, chain };
          if (declaration && ts.isPropertySignature(declaration) && declaration.type) walkNode(declaration.type, at);
          else walkType(checker.getTypeOfSymbol(event), at);
        }
      }
    }
  };

  const walkDeclaration = (declaration: ts.Declaration, owner: string, chain: string): void => {
    if (ts.isClassDeclaration(declaration)) {
      walkTypeParameters(declaration.typeParameters, { site: `${owner}<>`, chain });
      walkHeritage(declaration.heritageClauses, owner, chain);
      walkMembers(declaration.members, owner, chain);
    } else if (ts.isInterfaceDeclaration(declaration)) {
      walkTypeParameters(declaration.typeParameters, { site: `${owner}<>`, chain });
      walkHeritage(declaration.heritageClauses, owner, chain);
      walkMembers(declaration.members, owner, chain);
    } else if (ts.isTypeAliasDeclaration(declaration)) {
      walkTypeParameters(declaration.typeParameters, { site: `${owner}<>`, chain });
      if (ts.isTypeLiteralNode(declaration.type)) walkMembers(declaration.type.members, owner, chain);
      else walkNode(declaration.type, { site: owner, chain });
    } else if (ts.isFunctionDeclaration(declaration)) {
      if (!isOverloadImplementation(declaration, checker)) walkSignature(declaration, owner, chain);
    } else if (ts.isVariableDeclaration(declaration)) {
      walkTyped(declaration.type, declaration.name, { site: owner, chain });
    } else if (!ts.isEnumDeclaration(declaration)) {
      assert.fail(`${owner}: a ${ts.SyntaxKind[declaration.kind]} export this test does not know how to read`);
    }
  };

  for (const rootExport of roots) for (const declaration of rootExport.declarations) processed.add(declaration);
  for (const rootExport of roots) for (const declaration of rootExport.declarations) walkDeclaration(declaration, rootExport.name, '');
  for (let item = queue.shift(); item; item = queue.shift()) {
    for (const declaration of item.declarations) walkDeclaration(declaration, item.owner, item.chain);
  }
  return { found, exported, exportNames };
}

describe('public types', () => {
  const started = performance.now();
  const program = createProgram();
  const { found, exported, exportNames } = collect(program);
  const elapsedMs = Math.round(performance.now() - started);

  test('the program reads the package with valid options and sees the exports the other docs tests see', async (t) => {
    t.diagnostic(`program and walk: ${elapsedMs} ms, ${found.size} types reached from ${exportNames.length} exports`);
    const optionErrors = program.getOptionsDiagnostics().map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    assert.deepEqual(optionErrors, [], 'the compiler options are valid');
    const { values, types } = await packageExports();
    assert.deepEqual(exportNames, [...values, ...types].sort(), 'the checker and test/docs/markdown.ts agree on what src/index.ts exports');
    assert.ok(found.size > 20, `found ${found.size} types in the public signatures (in ${elapsedMs} ms)`);
  });

  test('every type in a public signature is exported from src/index.ts under its own name', () => {
    const missing = [...found.entries()]
      .filter(([declaration, { name }]) => !exported.get(name)?.has(declaration))
      .map(([, seen]) => seen)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.where < b.where ? -1 : 1));
    const lines = missing.map(
      (m) =>
        `  ${m.path} -> ${m.name} (${m.where})` +
        (exported.has(m.name) ? ` [src/index.ts exports another ${m.name}]` : '') +
        (m.more > 0 ? ` [and ${m.more} more place${m.more === 1 ? '' : 's'}]` : ''),
    );
    assert.equal(
      missing.length,
      0,
      `${missing.length} type(s) appear in public signatures but are not exported from src/index.ts ` +
        `(where first seen -> type (declaration)); export each, or mark the member @internal if it is not public:\n${lines.join('\n')}`,
    );
  });
});
