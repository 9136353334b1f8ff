import { globalKeys } from '../../../protocol/keys.js';
import type { LeaseRelease } from '../../lease-types.js';
import { LEASE_EVENTS_TTL_MS } from '../../retention.js';
import { LuaScript } from '../lua-script.js';

/** Gives the lease up if the caller holds it under its epoch, and tells the followers; true when it did. */
export const leaseReleaseScript = new LuaScript<{ namespace: string; release: LeaseRelease }, boolean>({
  file: 'lease-release.lua',
  call: ({ namespace, release }) => ({
    keys: [globalKeys.leader(namespace), globalKeys.events(namespace)],
    args: [release.worker.workerId, release.epoch, LEASE_EVENTS_TTL_MS, release.worker.instance, release.eventSeal],
  }),
  parse: (reply) => reply === 1,
});
