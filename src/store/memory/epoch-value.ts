import { epochFrom } from '../../protocol/election-seal.js';
import type { MemoryKeyspace } from './memory-keyspace.js';

/** The epoch a string key holds (the counter, a fence), as the scripts read it: 0 when absent, of another type, or not an epoch. */
export function epochIn(keyspace: MemoryKeyspace, key: string): number {
  return epochFrom(keyspace.strings.get(key));
}
