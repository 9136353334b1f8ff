import { globalKeys } from '../../../protocol/keys.js';
import type { LeaseRenewal } from '../../lease-types.js';
import { LuaScript } from '../lua-script.js';

/** Extends the lease and seals it again if the caller still holds it under its epoch; true when it did. */
export const leaseRenewScript = new LuaScript<{ namespace: string; renewal: LeaseRenewal }, boolean>({
  file: 'lease-renew.lua',
  call: ({ namespace, renewal: r }) => ({
    keys: [globalKeys.leader(namespace), globalKeys.epoch(namespace)],
    args: [r.worker.workerId, r.epoch, r.leaseMs, r.worker.instance, r.renewal, r.seal],
  }),
  parse: (reply) => reply === 1,
});
