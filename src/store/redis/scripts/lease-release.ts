import { globalKeys } from '../../../protocol/keys.js';
import type { LeaseHolder } from '../../lease-types.js';
import { LEASE_EVENTS_TTL_MS } from '../../retention.js';
import { LuaScript } from '../lua-script.js';

/** Gives the lease up if the caller holds it under its epoch, and tells the followers; true when it did. */
export const leaseReleaseScript = new LuaScript<{ namespace: string; worker: LeaseHolder; epoch: number }, boolean>({
  file: 'lease-release.lua',
  call: ({ namespace, worker, epoch }) => ({
    keys: [globalKeys.leader(namespace), globalKeys.events(namespace)],
    args: [worker.workerId, epoch, LEASE_EVENTS_TTL_MS, worker.instance],
  }),
  parse: (reply) => reply === 1,
});
