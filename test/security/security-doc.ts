/**
 * What the security tests run is read from docs/security.md itself, so the page cannot drift from
 * what was tested: the ACL SETUSER line, the openssl commands and the redis.conf lines for TLS.
 */
import { codeBlocks, headings, readRepoFile } from '../docs/markdown.js';

const FILE = 'docs/security.md';

/** The code blocks of a `###` section of docs/security.md (up to the next heading of level 3 or less). */
function sectionBlocks(title: string): ReturnType<typeof codeBlocks> {
  const text = readRepoFile(FILE);
  const all = headings(text);
  const start = all.find((h) => h.text === title);
  if (!start) throw new Error(`${FILE} has no heading "${title}"`);
  const end = all.find((h) => h.line > start.line && h.level <= start.level)?.line ?? Number.POSITIVE_INFINITY;
  return codeBlocks(FILE, text).filter((block) => block.line > start.line && block.line < end);
}

/** The documented ACL SETUSER line as arguments, `<password>` replaced. */
export function aclSetuserArgs(password: string): string[] {
  const lines = sectionBlocks('The ACL user').flatMap((block) => block.code.split('\n')).filter((line) => line.startsWith('ACL SETUSER '));
  if (lines.length !== 1) throw new Error(`${FILE} "The ACL user" must hold one ACL SETUSER line, found ${lines.length}`);
  return lines[0]!.trim().split(/\s+/).slice(2).map((word) => word.replace('<password>', password));
}

export interface TlsRecipe {
  /** The shell commands that make the CA and the certificates (run in an empty directory). */
  openssl: string;
  /** redis.conf lines, `directive value...`. */
  conf: string[][];
}

/** The TLS section's ```bash block (openssl) and its ```text block of redis.conf lines. */
export function tlsRecipe(): TlsRecipe {
  const blocks = sectionBlocks('TLS with a private CA and client certificates');
  const openssl = blocks.find((block) => block.lang === 'bash' && block.code.includes('openssl req'));
  const conf = blocks.find((block) => block.lang === 'text' && block.code.includes('tls-port'));
  if (!openssl || !conf) throw new Error(`${FILE} "TLS with a private CA and client certificates" needs a bash block of openssl commands and a text block of redis.conf lines`);
  return {
    openssl: openssl.code,
    conf: conf.code.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#')).map((line) => line.split(/\s+/)),
  };
}
