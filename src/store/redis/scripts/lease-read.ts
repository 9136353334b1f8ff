import { epochFrom } from '../../../protocol/election-seal.js';
import type { LeaseState } from '../../lease-types.js';
import { LuaScript } from '../lua-script.js';
import { leaseKeys, leaseTtl, storedLeaseOf } from './lease-keys.js';

/** The lease record (unverified), the counter and the newest leadership event id, read together. */
export const leaseReadScript = new LuaScript<{ namespace: string }, LeaseState>({
  file: 'lease-read.lua',
  call: ({ namespace }) => ({ keys: leaseKeys(namespace), args: [] }),
  parse: (reply) => {
    const values = reply as unknown[];
    const record = storedLeaseOf(values.slice(0, 7));
    const [ttlMs, counter, cursor] = values.slice(7) as [number, number, string];
    return {
      holder: record?.workerId || null,
      epoch: record ? epochFrom(record.epoch) : Number(counter),
      ttlMs: record ? leaseTtl(ttlMs, Number.POSITIVE_INFINITY) : 0,
      eventsCursor: cursor,
      record,
      counter: Number(counter),
    };
  },
});
