import { readFileSync } from 'node:fs';
import { InvalidConfigError } from '../../protocol/errors.js';

/** A JSON flag value: the JSON itself, or `@file` to read it from a file. Bad JSON is a configuration error. */
export function parseJsonArg(text: string, flag: string): unknown {
  let source = text;
  if (text.startsWith('@')) {
    try {
      source = readFileSync(text.slice(1), 'utf8');
    } catch (error) {
      throw new InvalidConfigError(`${flag}: cannot read ${text.slice(1)}: ${(error as Error).message}`);
    }
  }
  try {
    return JSON.parse(source) as unknown;
  } catch {
    throw new InvalidConfigError(`${flag} must be JSON or @file holding JSON, got ${JSON.stringify(source.slice(0, 80))}`);
  }
}

/** A whole number flag (`--iteration 3`), at least 0. */
export function parseCount(text: string, flag: string): number {
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(Number(text))) throw new InvalidConfigError(`${flag} must be a whole number, got ${JSON.stringify(text)}`);
  return Number(text);
}

/** A comma-separated list flag (`--from a,b`), without empty entries. */
export function parseList(text: string): string[] {
  return text.split(',').map((part) => part.trim()).filter((part) => part !== '');
}
