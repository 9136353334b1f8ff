import { globalKeys } from '../../../protocol/keys.js';
import type { LeaseHolder } from '../../lease-types.js';
import { LuaScript } from '../lua-script.js';

/** Extends the lease if the caller still holds it under its epoch; true when it did. */
export const leaseRenewScript = new LuaScript<{ namespace: string; worker: LeaseHolder; epoch: number; leaseMs: number }, boolean>({
  file: 'lease-renew.lua',
  call: ({ namespace, worker, epoch, leaseMs }) => ({ keys: [globalKeys.leader(namespace)], args: [worker.workerId, epoch, leaseMs, worker.instance] }),
  parse: (reply) => reply === 1,
});
