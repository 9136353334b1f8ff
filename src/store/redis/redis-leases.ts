import { InvalidConfigError } from '../../protocol/errors.js';
import { globalKeys, hashTagOf } from '../../protocol/keys.js';
import type { AcquireResult, FencedOp, FencedResult, FencedWriteOptions, LeaseClaim, LeaseRelease, LeaseRenewal, LeaseState, WorkerRecord } from '../lease-types.js';
import type { Operations } from '../roles/base.js';
import type { BlockingRead, StreamEntry } from '../roles/common.js';
import type { LeaseStore } from '../roles/lease.js';
import type { RedisContext } from './redis-context.js';
import { fencedWriteScript } from './scripts/fenced-write.js';
import { leaseAcquireScript } from './scripts/lease-acquire.js';
import { leaseReadScript } from './scripts/lease-read.js';
import { leaseReleaseScript } from './scripts/lease-release.js';
import { leaseRenewScript } from './scripts/lease-renew.js';
import { workerListScript } from './scripts/worker-list.js';
import { workerRemoveScript } from './scripts/worker-remove.js';
import { workerTouchScript } from './scripts/worker-touch.js';

/** The leader-election operations of the Redis adapter: one Lua script each, on the namespace's slot. */
export class RedisLeases implements Operations<LeaseStore> {
  readonly #redis: RedisContext;

  constructor(redis: RedisContext) {
    this.#redis = redis;
  }

  acquireLease(namespace: string, claim: LeaseClaim): Promise<AcquireResult> {
    return this.#redis.call('acquireLease', () => leaseAcquireScript.run(this.#redis.client, { namespace, claim }));
  }

  renewLease(namespace: string, renewal: LeaseRenewal): Promise<boolean> {
    return this.#redis.call('renewLease', () => leaseRenewScript.run(this.#redis.client, { namespace, renewal }));
  }

  releaseLease(namespace: string, release: LeaseRelease): Promise<boolean> {
    return this.#redis.call('releaseLease', () => leaseReleaseScript.run(this.#redis.client, { namespace, release }));
  }

  readLease(namespace: string): Promise<LeaseState> {
    return this.#redis.call('readLease', () => leaseReadScript.run(this.#redis.client, { namespace }));
  }

  readLeaseEvents(namespace: string, afterId: string, read: BlockingRead): Promise<StreamEntry[]> {
    return this.#redis.readStreamBlocking('readLeaseEvents', globalKeys.events(namespace), afterId, read);
  }

  touchWorker(namespace: string, worker: Omit<WorkerRecord, 'lastHeartbeat'>, workerTimeoutMs: number): Promise<string[]> {
    return this.#redis.call('touchWorker', () => workerTouchScript.run(this.#redis.client, { namespace, worker, workerTimeoutMs }));
  }

  listWorkers(namespace: string, workerTimeoutMs: number): Promise<WorkerRecord[]> {
    return this.#redis.call('listWorkers', () => workerListScript.run(this.#redis.client, { namespace, workerTimeoutMs }));
  }

  removeWorker(namespace: string, workerId: string): Promise<void> {
    return this.#redis.call('removeWorker', () => workerRemoveScript.run(this.#redis.client, { namespace, workerId }));
  }

  async fencedWrite(namespace: string, tag: string, epoch: number, ops: readonly FencedOp[], options: FencedWriteOptions = {}): Promise<FencedResult> {
    for (const op of ops) {
      if (hashTagOf(op.key) !== tag) throw new InvalidConfigError(`fenced key ${op.key} is not in the slot {${tag}}`);
    }
    return this.#redis.call('fencedWrite', () => fencedWriteScript.run(this.#redis.client, { namespace, tag, epoch, ops, options }));
  }
}
