import { InvalidIdError } from './errors.js';

/**
 * Ids are 1-64 characters of `A-Z a-z 0-9 _ . -`. They never contain `:`, `{`, `}`, `*`, `?`
 * or `[`, so every key segment built from one is delimited exactly: no SCAN pattern or key
 * for `coord-1` can ever match `coord-10`.
 */
const ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
const ID_RULE = '1-64 characters of A-Z a-z 0-9 _ . -';

export type IdKind = 'coordinator id' | 'swarm id' | 'namespace' | 'task id' | 'signal type' | 'idempotency key' | 'ack status' | 'round id';

export function isValidId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

/** Throws InvalidIdError unless `value` follows the id rule. Call it before any I/O. */
export function assertId(value: unknown, kind: IdKind): asserts value is string {
  if (!isValidId(value)) throw new InvalidIdError(kind, value, ID_RULE);
}

export function assertIds(values: unknown, kind: IdKind): asserts values is string[] {
  if (!Array.isArray(values)) throw new InvalidIdError(kind, values, `a list of ${ID_RULE}`);
  for (const value of values) assertId(value, kind);
}
