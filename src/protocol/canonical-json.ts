import { createHash } from 'node:crypto';
import { configure } from 'safe-stable-stringify';
import { InvalidPayloadError } from './errors.js';

const stableStringify = configure({ deterministic: true, bigint: false, circularValue: Error });

/** Deepest nesting a payload or an ACK result may have: serialising and hashing deeper values would exhaust the stack. */
export const MAX_JSON_DEPTH = 1_000;
/**
 * Most arrays and objects a payload or an ACK result may hold: a receiver parses, checks and hashes
 * each (about a microsecond apiece), so this bounds what one message can cost it (json-shape.ts).
 */
export const MAX_JSON_CONTAINERS = 10_000;

/**
 * Why a parsed JSON value cannot be signed as it stands, or undefined when it can: nested deeper
 * than MAX_JSON_DEPTH, or holding a number the canonical form does not give back (an overflow
 * such as `1e999` parses as Infinity and `-0` as -0; they hash as `null` and `0`, so a body
 * changed to them would keep its signature). Iterative, so a hostile value cannot exhaust the stack.
 */
export function jsonValueProblem(value: unknown): string | undefined {
  const atTop = numberProblem(value);
  if (atTop !== undefined || typeof value !== 'object' || value === null) return atTop;
  // Only containers go on the stack; a flat array of a million numbers is one loop.
  const containers: object[] = [value];
  const depths: number[] = [1];
  let seen = 0;
  while (containers.length > 0) {
    const container = containers.pop()!;
    const depth = depths.pop()!;
    if (depth > MAX_JSON_DEPTH) return `nests deeper than ${MAX_JSON_DEPTH} levels`;
    if (++seen > MAX_JSON_CONTAINERS) return `holds more than ${MAX_JSON_CONTAINERS} arrays and objects`;
    for (const child of Array.isArray(container) ? container : Object.values(container)) {
      if (typeof child === 'object' && child !== null) {
        containers.push(child as object);
        depths.push(depth + 1);
        continue;
      }
      const problem = numberProblem(child);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}

function numberProblem(value: unknown): string | undefined {
  if (typeof value !== 'number') return undefined;
  if (!Number.isFinite(value)) return `holds the number ${value}, which JSON cannot carry`;
  if (Object.is(value, -0)) return 'holds -0, which JSON cannot tell from 0';
  return undefined;
}

/**
 * Normalises a payload to what it becomes on the wire (a JSON round trip), so sender and
 * receiver hash the same value. Throws InvalidPayloadError for what JSON cannot carry.
 */
export function normalizePayload(payload: unknown, what = 'Payload'): unknown {
  let text: string | undefined;
  try {
    text = JSON.stringify(payload);
  } catch (error) {
    throw new InvalidPayloadError(`${what} is not JSON-serialisable: ${(error as Error).message}`);
  }
  if (text === undefined) throw new InvalidPayloadError(`${what} is not JSON-serialisable (a function, symbol or undefined).`);
  const normalized = JSON.parse(text) as unknown;
  const problem = jsonValueProblem(normalized);
  if (problem !== undefined) throw new InvalidPayloadError(`${what} ${problem}: JSON nested that deep cannot be signed.`);
  return normalized;
}

/** sha256 hex of the key-sorted JSON of a normalised value: what signatures cover for a payload. */
export function canonicalHash(value: unknown): string {
  const text = stableStringify(value) ?? 'null';
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
