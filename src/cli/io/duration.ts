import ms from 'ms';
import { InvalidConfigError } from '../../protocol/errors.js';

/**
 * A duration flag in ms: `500ms`, `60s`, `10m`, `2h` (the `ms` package's forms), or a bare number
 * of ms. Anything else, or a negative or fractional result, is a typed configuration error.
 */
export function parseDuration(text: string, flag: string): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text) : ms(text as ms.StringValue);
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidConfigError(`${flag} must be a duration such as 500ms, 60s or 10m, got ${JSON.stringify(text)}`);
  }
  return value;
}
