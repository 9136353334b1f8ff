import { InvalidConfigError } from '../../protocol/errors.js';
import { globalKeys, hashTagOf } from '../../protocol/keys.js';
import type { AcquireResult, FencedOp, FencedResult, LeaseHolder, LeaseState, WorkerRecord } from '../lease-types.js';
import type { BlockingRead, StreamEntry } from '../port.js';
import { scripts } from './lua-script.js';
import { RedisBase } from './redis-base.js';

const EVENTS_TTL_MS = 86_400_000;
const WORKERS_TTL_MS = 86_400_000;
const FENCE_TTL_MS = 7 * 86_400_000;
const DEFAULT_WRITE_TTL_MS = 86_400_000;

/** PTTL of a held lease; a leader key someone left without expiry (-1) counts as a full lease, never 0. */
const leaseTtl = (pttl: number, leaseMs: number): number => (pttl === -1 ? leaseMs : Math.max(0, pttl));

const leaseKeys = (namespace: string) => [globalKeys.leader(namespace), globalKeys.epoch(namespace), globalKeys.events(namespace)];

/** The leader-election operations of the Redis adapter: one Lua script each, on the namespace's slot. */
export class RedisLeases extends RedisBase {
  acquireLease(namespace: string, worker: LeaseHolder, knownEpoch: number, leaseMs: number): Promise<AcquireResult> {
    return this.call('acquireLease', async () => {
      const [acquired, holder, epoch, ttlMs, cursor] = (await scripts.leaseAcquire.run(this.client, leaseKeys(namespace), [
        worker.workerId,
        knownEpoch,
        leaseMs,
        EVENTS_TTL_MS,
        worker.instance,
      ])) as [number, string, string, number, string];
      return { acquired: acquired === 1, holder: holder || null, epoch: Number(epoch), ttlMs: leaseTtl(ttlMs, leaseMs), eventsCursor: cursor };
    });
  }

  renewLease(namespace: string, worker: LeaseHolder, epoch: number, leaseMs: number): Promise<boolean> {
    return this.call(
      'renewLease',
      async () => (await scripts.leaseRenew.run(this.client, [globalKeys.leader(namespace)], [worker.workerId, epoch, leaseMs, worker.instance])) === 1,
    );
  }

  releaseLease(namespace: string, worker: LeaseHolder, epoch: number): Promise<boolean> {
    return this.call('releaseLease', async () => {
      const keys = [globalKeys.leader(namespace), globalKeys.events(namespace)];
      return (await scripts.leaseRelease.run(this.client, keys, [worker.workerId, epoch, EVENTS_TTL_MS, worker.instance])) === 1;
    });
  }

  readLease(namespace: string): Promise<LeaseState> {
    return this.call('readLease', async () => {
      const [holder, epoch, ttlMs, cursor] = (await scripts.leaseRead.run(this.client, leaseKeys(namespace), [])) as [string, string, number, string];
      return { holder: holder || null, epoch: Number(epoch), ttlMs: holder ? leaseTtl(ttlMs, Number.POSITIVE_INFINITY) : 0, eventsCursor: cursor };
    });
  }

  readLeaseEvents(namespace: string, afterId: string, read: BlockingRead): Promise<StreamEntry[]> {
    return this.readStreamBlocking('readLeaseEvents', globalKeys.events(namespace), afterId, read);
  }

  touchWorker(namespace: string, worker: Omit<WorkerRecord, 'lastHeartbeat'>, workerTimeoutMs: number): Promise<string[]> {
    return this.call('touchWorker', async () => {
      const info = JSON.stringify({ startTime: worker.startTime, plugins: worker.plugins });
      const keys = [globalKeys.workers(namespace), globalKeys.workerInfo(namespace)];
      return (await scripts.workerTouch.run(this.client, keys, [worker.workerId, info, workerTimeoutMs, WORKERS_TTL_MS])) as string[];
    });
  }

  listWorkers(namespace: string, workerTimeoutMs: number): Promise<WorkerRecord[]> {
    return this.call('listWorkers', async () => {
      const keys = [globalKeys.workers(namespace), globalKeys.workerInfo(namespace)];
      const flat = (await scripts.workerList.run(this.client, keys, [workerTimeoutMs])) as (string | null)[];
      const out: WorkerRecord[] = [];
      for (let i = 0; i + 2 < flat.length; i += 3) {
        const info = JSON.parse(flat[i + 2] ?? '{"startTime":0,"plugins":[]}') as { startTime: number; plugins: string[] };
        out.push({ workerId: flat[i]!, lastHeartbeat: Number(flat[i + 1]), ...info });
      }
      return out;
    });
  }

  removeWorker(namespace: string, workerId: string): Promise<void> {
    return this.call('removeWorker', async () => {
      await scripts.workerRemove.run(this.client, [globalKeys.workers(namespace), globalKeys.workerInfo(namespace)], [workerId]);
    });
  }

  async fencedWrite(namespace: string, tag: string, epoch: number, ops: readonly FencedOp[]): Promise<FencedResult> {
    const written: string[] = [];
    const encoded = ops.map((op) => {
      if (hashTagOf(op.key) !== tag) throw new InvalidConfigError(`fenced key ${op.key} is not in the slot {${tag}}`);
      written.push(op.key);
      const k = written.length + 2; // KEYS[1] fence, KEYS[2] leader, then the written keys
      const ttl = op.op === 'del' ? undefined : (op.ttlMs ?? DEFAULT_WRITE_TTL_MS);
      return { ...op, key: undefined, k, ttl, ttlMs: undefined };
    });
    const sameSlot = tag === namespace;
    const fence = globalKeys.fence(tag, namespace);
    return this.call('fencedWrite', async () => {
      const [applied, current] = (await scripts.fencedWrite.run(
        this.client,
        [fence, sameSlot ? globalKeys.leader(namespace) : fence, ...written],
        [epoch, FENCE_TTL_MS, sameSlot ? '1' : '0', JSON.stringify(encoded)],
      )) as [number, number];
      return { applied: applied === 1, currentEpoch: Number(current) };
    });
  }
}
