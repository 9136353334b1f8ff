import * as z from 'zod';
import { isValidId } from './ids.js';

/** Schemas of the fields signals and ACKs share. */

export const idField = z.string().refine(isValidId, 'must be 1-64 characters of A-Z a-z 0-9 _ . -');

export const messageIdField = z.string().min(1).max(256);

/**
 * A body longer than `maxBytes` of UTF-8 (the reader's maxSignalBytes), refused before it is
 * parsed. A UTF-16 unit is 1 to 3 bytes of UTF-8: the length settles most bodies without counting.
 */
export function isOverLimit(body: string, maxBytes: number | undefined): boolean {
  if (maxBytes === undefined || body.length * 3 <= maxBytes) return false;
  return body.length > maxBytes || Buffer.byteLength(body, 'utf8') > maxBytes;
}

/** 0, 1, 2 ...; `-0` is refused: it signs as `0`, so a body changed to it would keep its signature. */
export const wholeNumberField = z
  .number()
  .int()
  .nonnegative()
  .refine((n) => !Object.is(n, -0), 'must not be -0');
