import { createHash } from 'node:crypto';
import { configure } from 'safe-stable-stringify';
import { InvalidPayloadError } from './errors.js';

const stableStringify = configure({ deterministic: true, bigint: false, circularValue: Error });

/** Deepest nesting a payload or an ACK result may have: serialising and hashing deeper values would exhaust the stack. */
export const MAX_JSON_DEPTH = 1_000;

/**
 * Why a parsed JSON value cannot be signed as it stands, or undefined when it can: nested deeper
 * than MAX_JSON_DEPTH, or holding a number the canonical form does not give back (an overflow
 * such as `1e999` parses as Infinity and `-0` as -0; they hash as `null` and `0`, so a body
 * changed to them would keep its signature). Iterative, so a hostile value cannot exhaust the stack.
 */
export function jsonValueProblem(value: unknown): string | undefined {
  const values: unknown[] = [value];
  const depths: number[] = [1];
  while (values.length > 0) {
    const v = values.pop();
    const depth = depths.pop()!;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return `holds the number ${v}, which JSON cannot carry`;
      if (Object.is(v, -0)) return 'holds -0, which JSON cannot tell from 0';
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (depth > MAX_JSON_DEPTH) return `nests deeper than ${MAX_JSON_DEPTH} levels`;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      values.push(child);
      depths.push(depth + 1);
    }
  }
  return undefined;
}

/**
 * Normalises a payload to what it becomes on the wire (a JSON round trip), so sender and
 * receiver hash the same value. Throws InvalidPayloadError for what JSON cannot carry.
 */
export function normalizePayload(payload: unknown): unknown {
  let text: string | undefined;
  try {
    text = JSON.stringify(payload);
  } catch (error) {
    throw new InvalidPayloadError(`Payload is not JSON-serialisable: ${(error as Error).message}`);
  }
  if (text === undefined) throw new InvalidPayloadError('Payload is not JSON-serialisable (a function, symbol or undefined).');
  const normalized = JSON.parse(text) as unknown;
  const problem = jsonValueProblem(normalized);
  if (problem !== undefined) throw new InvalidPayloadError(`Payload ${problem}; JSON that deep cannot be signed.`);
  return normalized;
}

/** sha256 hex of the key-sorted JSON of a normalised value: what signatures cover for a payload. */
export function canonicalHash(value: unknown): string {
  const text = stableStringify(value) ?? 'null';
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
