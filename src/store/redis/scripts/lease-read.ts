import type { LeaseState } from '../../lease-types.js';
import { LuaScript } from '../lua-script.js';
import { leaseKeys, leaseStateOf } from './lease-keys.js';

/** The lease record (unverified), the counter and the newest leadership event id, read together. */
export const leaseReadScript = new LuaScript<{ namespace: string }, LeaseState>({
  file: 'lease-read.lua',
  call: ({ namespace }) => ({ keys: leaseKeys(namespace), args: [] }),
  parse: (reply) => leaseStateOf(reply as unknown[], Number.POSITIVE_INFINITY),
});
