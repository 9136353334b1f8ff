import { createHash } from 'node:crypto';
import { configure } from 'safe-stable-stringify';
import { InvalidPayloadError } from './errors.js';

const stableStringify = configure({ deterministic: true, bigint: false, circularValue: Error });

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
  return JSON.parse(text) as unknown;
}

/** sha256 hex of the key-sorted JSON of a normalised value: what signatures cover for a payload. */
export function canonicalHash(value: unknown): string {
  const text = stableStringify(value) ?? 'null';
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
