import { z } from 'zod';
import { isValidId } from './ids.js';

/** Schemas of the fields signals and ACKs share. */

export const idField = z.string().refine(isValidId, 'must be 1-64 characters of A-Z a-z 0-9 _ . -');

export const messageIdField = z.string().min(1).max(256);

/**
 * A body surely longer than `maxBytes` (the reader's maxSignalBytes), refused before it is parsed:
 * a string's length never exceeds its UTF-8 byte length.
 */
export function isOverLimit(body: string, maxBytes: number | undefined): boolean {
  return maxBytes !== undefined && body.length > maxBytes;
}

/** 0, 1, 2 ...; `-0` is refused: it signs as `0`, so a body changed to it would keep its signature. */
export const wholeNumberField = z
  .number()
  .int()
  .nonnegative()
  .refine((n) => !Object.is(n, -0), 'must not be -0');
