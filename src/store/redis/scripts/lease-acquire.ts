import type { AcquireResult, LeaseHolder } from '../../lease-types.js';
import { LEASE_EVENTS_TTL_MS } from '../../retention.js';
import { LuaScript } from '../lua-script.js';
import { leaseKeys, leaseTtl } from './lease-keys.js';

interface AcquireInput {
  namespace: string;
  worker: LeaseHolder;
  knownEpoch: number;
  leaseMs: number;
  epochFloor: number;
}

/** Takes a namespace's lease if nobody holds it, with the next epoch. */
export const leaseAcquireScript = new LuaScript<AcquireInput, AcquireResult>({
  file: 'lease-acquire.lua',
  call: ({ namespace, worker, knownEpoch, leaseMs, epochFloor }) => ({
    keys: leaseKeys(namespace),
    args: [worker.workerId, knownEpoch, leaseMs, LEASE_EVENTS_TTL_MS, worker.instance, epochFloor],
  }),
  parse: (reply, { leaseMs }) => {
    const [acquired, holder, epoch, ttlMs, cursor] = reply as [number, string, string, number, string];
    return { acquired: acquired === 1, holder: holder || null, epoch: Number(epoch), ttlMs: leaseTtl(ttlMs, leaseMs), eventsCursor: cursor };
  },
});
