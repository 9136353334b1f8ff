import type { LeaseState } from '../../lease-types.js';
import { LuaScript } from '../lua-script.js';
import { leaseKeys, leaseTtl } from './lease-keys.js';

/** The lease and the newest leadership event id, read together. */
export const leaseReadScript = new LuaScript<{ namespace: string }, LeaseState>({
  file: 'lease-read.lua',
  call: ({ namespace }) => ({ keys: leaseKeys(namespace), args: [] }),
  parse: (reply) => {
    const [holder, epoch, ttlMs, cursor] = reply as [string, string, number, string];
    return { holder: holder || null, epoch: Number(epoch), ttlMs: holder ? leaseTtl(ttlMs, Number.POSITIVE_INFINITY) : 0, eventsCursor: cursor };
  },
});
