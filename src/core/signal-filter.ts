import { InvalidSignalError } from '../protocol/errors.js';
import { assertId, assertIds } from '../protocol/ids.js';
import type { Signal } from '../protocol/signal.js';

/** What a wait accepts; signals that do not match stay pending for a later wait. */
export interface SignalFilter {
  /** Accept only these types. */
  types?: string | readonly string[];
  /** Accept only signals from these senders. */
  from?: string | readonly string[];
  /** Accept only this iteration. */
  iteration?: number;
}

export interface CompiledFilter {
  types?: ReadonlySet<string>;
  from?: ReadonlySet<string>;
  iteration?: number;
  describe(): { types?: string[]; from?: string[]; iteration?: number };
}

function asList(value: unknown, name: string): string[] {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value) || value.length === 0) {
    throw new InvalidSignalError(`filter \`${name}\` must be a string or a non-empty list of strings`, { [name]: value });
  }
  return [...(value as unknown[])] as string[];
}

/** Validates a filter (ids before any I/O) and compiles it for fast matching. */
export function compileFilter(filter: SignalFilter): CompiledFilter {
  const types = filter.types === undefined ? undefined : asList(filter.types, 'types');
  const from = filter.from === undefined ? undefined : asList(filter.from, 'from');
  if (types) for (const type of types) assertId(type, 'signal type');
  if (from) assertIds(from, 'coordinator id');
  if (filter.iteration !== undefined && !(Number.isInteger(filter.iteration) && filter.iteration >= 0)) {
    throw new InvalidSignalError(`iteration filter must be a non-negative integer, got ${String(filter.iteration)}`);
  }
  const described: ReturnType<CompiledFilter['describe']> = {};
  if (types) described.types = types;
  if (from) described.from = from;
  if (filter.iteration !== undefined) described.iteration = filter.iteration;
  const compiled: CompiledFilter = { describe: () => ({ ...described }) };
  if (types) compiled.types = new Set(types);
  if (from) compiled.from = new Set(from);
  if (filter.iteration !== undefined) compiled.iteration = filter.iteration;
  return compiled;
}

export function matches(filter: CompiledFilter, signal: Signal): boolean {
  return (
    (filter.types === undefined || filter.types.has(signal.type)) &&
    (filter.from === undefined || filter.from.has(signal.senderId) || (signal.replaces !== undefined && filter.from.has(signal.replaces))) &&
    (filter.iteration === undefined || filter.iteration === signal.iteration)
  );
}
