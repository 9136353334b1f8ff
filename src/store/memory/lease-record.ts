import { createHash } from 'node:crypto';
import type { StoredLease } from '../lease-types.js';
import type { MemoryKeyspace } from './memory-keyspace.js';

/** The fields a holder seals, in the scripts' order (redis/lua/includes/lease-record.lua). */
const LEASE_FIELDS = ['workerId', 'instance', 'epoch', 'leaseMs', 'renewal', 'seal'] as const;
/** A field longer than this is left out of a reply (as ''): no genuine one comes close. */
const LEASE_FIELD_MAX_BYTES = 512;

/** Redis' TYPE of a key of the embedded store ('none' when absent). */
export function keyType(keyspace: MemoryKeyspace, key: string): string {
  if (keyspace.strings.get(key) !== undefined) return 'string';
  if (keyspace.hashes.get(key) !== undefined) return 'hash';
  if (keyspace.streams.get(key) !== undefined) return 'stream';
  if (keyspace.sortedSets.get(key) !== undefined) return 'zset';
  if (keyspace.sets.get(key) !== undefined) return 'set';
  return 'none';
}

/**
 * The lease record at `key` as the scripts read it, for its reader to verify: undefined when the
 * key is absent; else the fields ('' when missing, too long, or the key is not a hash) and a
 * digest of the key's type and whole fields, the same as the scripts' (redis.sha1hex).
 */
export function storedLease(keyspace: MemoryKeyspace, key: string): StoredLease | undefined {
  const kind = keyType(keyspace, key);
  if (kind === 'none') return undefined;
  const hash = kind === 'hash' ? keyspace.hashes.get(key) : undefined;
  const parts = [kind];
  const values = LEASE_FIELDS.map((field) => {
    const value = hash?.get(field) ?? '';
    const bytes = Buffer.byteLength(value);
    parts.push(`${bytes}:${value}`);
    return bytes > LEASE_FIELD_MAX_BYTES ? '' : value;
  });
  const [workerId, instance, epoch, leaseMs, renewal, seal] = values as [string, string, string, string, string, string];
  const digest = createHash('sha1').update(parts.join('\n')).digest('hex');
  return { workerId, instance, epoch, leaseMs, renewal, seal, digest };
}
