import { globalKeys } from '../../../protocol/keys.js';
import { epochFrom } from '../../../protocol/election-seal.js';
import type { LeaseState, StoredLease } from '../../lease-types.js';

/** The keys of a namespace's lease scripts: leader hash, epoch counter, events stream (one slot). */
export const leaseKeys = (namespace: string): string[] => [globalKeys.leader(namespace), globalKeys.epoch(namespace), globalKeys.events(namespace)];

/** PTTL of a held lease; a leader key someone left without expiry (-1) counts as a full lease, never 0. */
export const leaseTtl = (pttl: number, leaseMs: number): number => (pttl === -1 ? leaseMs : Math.max(0, pttl));

/** The record of a script reply: its 6 fields (lease-record.lua) then its digest; null when the digest is '' (no record). */
export function storedLeaseOf(reply: readonly unknown[]): StoredLease | null {
  const [workerId, instance, epoch, leaseMs, renewal, seal, digest] = reply.map((value) => String(value ?? ''));
  if (!digest) return null;
  return { workerId: workerId!, instance: instance!, epoch: epoch!, leaseMs: leaseMs!, renewal: renewal!, seal: seal!, digest };
}


/**
 * The lease as a script replies it (lease-record.lua's fields and digest, then the leader key's
 * PTTL, the counter and the newest event id); a leader key without expiry counts `noExpiryMs`.
 */
export function leaseStateOf(reply: readonly unknown[], noExpiryMs: number): LeaseState {
  const record = storedLeaseOf(reply.slice(0, 7));
  const [ttlMs, counter, cursor] = reply.slice(7) as [number, number, string];
  return {
    holder: record?.workerId || null,
    epoch: record ? epochFrom(record.epoch) : Number(counter),
    ttlMs: record ? leaseTtl(ttlMs, noExpiryMs) : 0,
    eventsCursor: cursor,
    record,
    counter: Number(counter),
  };
}
