import type { AcquireResult, LeaseClaim } from '../../lease-types.js';
import { LEASE_EVENTS_TTL_MS } from '../../retention.js';
import { LuaScript } from '../lua-script.js';
import { leaseKeys, leaseStateOf } from './lease-keys.js';

/** Takes a namespace's lease if nobody holds it (or a record judged forged), under the proposed epoch. */
export const leaseAcquireScript = new LuaScript<{ namespace: string; claim: LeaseClaim }, AcquireResult>({
  file: 'lease-acquire.lua',
  call: ({ namespace, claim }) => ({
    keys: leaseKeys(namespace),
    args: [
      claim.worker.workerId,
      claim.worker.instance,
      claim.knownEpoch,
      claim.epoch,
      claim.leaseMs,
      claim.seal,
      claim.eventSeal,
      LEASE_EVENTS_TTL_MS,
      claim.replace ?? '',
      claim.resetCounter ?? '',
    ],
  }),
  parse: (reply, { claim }) => {
    const values = reply as unknown[];
    return { acquired: values[0] === 1, ...leaseStateOf(values.slice(1), claim.leaseMs) };
  },
});
