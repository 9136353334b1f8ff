import { globalKeys } from '../../../protocol/keys.js';

/** The keys of a namespace's lease scripts: leader hash, epoch counter, events stream (one slot). */
export const leaseKeys = (namespace: string): string[] => [globalKeys.leader(namespace), globalKeys.epoch(namespace), globalKeys.events(namespace)];

/** PTTL of a held lease; a leader key someone left without expiry (-1) counts as a full lease, never 0. */
export const leaseTtl = (pttl: number, leaseMs: number): number => (pttl === -1 ? leaseMs : Math.max(0, pttl));
