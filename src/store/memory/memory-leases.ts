import { InvalidConfigError } from '../../protocol/errors.js';
import { globalKeys, hashTagOf } from '../../protocol/keys.js';
import type { AcquireResult, FencedOp, FencedResult, LeaseHolder, LeaseState, WorkerRecord } from '../lease-types.js';
import { FENCED_WRITE_TTL_MS, LEASE_EVENTS_TTL_MS, WORKERS_TTL_MS } from '../retention.js';
import type { Operations } from '../roles/base.js';
import type { BlockingRead, StreamEntry } from '../roles/common.js';
import type { LeaseStore } from '../roles/lease.js';
import { fencedOutBy, holdFence } from './fence.js';
import type { MemoryKeyspace } from './memory-keyspace.js';

/** Leadership events a namespace keeps, as the MAXLEN of lease-acquire.lua and lease-release.lua. */
const EVENTS_MAX_LEN = 100;

/** The leader-election operations of the embedded store, with the semantics of the Lua scripts. */
export class MemoryLeases implements Operations<LeaseStore> {
  readonly #space: MemoryKeyspace;

  constructor(keyspace: MemoryKeyspace) {
    this.#space = keyspace;
  }

  async acquireLease(namespace: string, worker: LeaseHolder, knownEpoch: number, leaseMs: number, epochFloor = 0): Promise<AcquireResult> {
    this.#space.open('acquireLease');
    const { workerId, instance } = worker;
    const key = globalKeys.leader(namespace);
    const lease = this.#space.hashes.get(key);
    if (lease && lease.get('workerId') === workerId && lease.get('instance') === instance && Number(lease.get('epoch')) !== knownEpoch) {
      this.#space.hashes.delete(key);
    }
    const held = this.#space.hashes.get(key);
    if (held) return { ...this.#state(namespace), acquired: false };
    const epoch = Math.max(this.#epoch(namespace), epochFloor) + 1;
    // INCR: a permanent key, created at 1, keeping any lifetime someone gave it.
    const epochKey = globalKeys.epoch(namespace);
    if (!this.#space.strings.replace(epochKey, String(epoch))) this.#space.strings.set(epochKey, String(epoch), Number.POSITIVE_INFINITY);
    this.#space.hashes.set(key, new Map([['workerId', workerId], ['instance', instance], ['epoch', String(epoch)], ['since', String(Date.now())]]), leaseMs);
    this.#event(namespace, { event: 'acquired', workerId, epoch });
    return { ...this.#state(namespace), acquired: true };
  }

  async renewLease(namespace: string, worker: LeaseHolder, epoch: number, leaseMs: number): Promise<boolean> {
    this.#space.open('renewLease');
    const key = globalKeys.leader(namespace);
    if (!this.#holds(namespace, worker, epoch)) return false;
    return this.#space.hashes.expire(key, leaseMs);
  }

  async releaseLease(namespace: string, worker: LeaseHolder, epoch: number): Promise<boolean> {
    this.#space.open('releaseLease');
    if (!this.#holds(namespace, worker, epoch)) return false;
    this.#space.hashes.delete(globalKeys.leader(namespace));
    this.#event(namespace, { event: 'released', workerId: worker.workerId, epoch });
    return true;
  }

  async readLease(namespace: string): Promise<LeaseState> {
    this.#space.open('readLease');
    return this.#state(namespace);
  }

  async readLeaseEvents(namespace: string, afterId: string, read: BlockingRead): Promise<StreamEntry[]> {
    this.#space.open('readLeaseEvents');
    return this.#space.readStreamAfter(globalKeys.events(namespace), afterId, read);
  }

  async touchWorker(namespace: string, worker: Omit<WorkerRecord, 'lastHeartbeat'>, workerTimeoutMs: number): Promise<string[]> {
    this.#space.open('touchWorker');
    const now = Date.now();
    const beats = this.#space.mapAt(this.#space.sortedSets, globalKeys.workers(namespace), WORKERS_TTL_MS);
    const info = this.#space.mapAt(this.#space.hashes, globalKeys.workerInfo(namespace), WORKERS_TTL_MS);
    beats.set(worker.workerId, now);
    info.set(worker.workerId, JSON.stringify({ startTime: worker.startTime, plugins: worker.plugins }));
    this.#space.sortedSets.expire(globalKeys.workers(namespace), WORKERS_TTL_MS);
    this.#space.hashes.expire(globalKeys.workerInfo(namespace), WORKERS_TTL_MS);
    const removed = [...beats].filter(([, at]) => at < now - workerTimeoutMs).map(([id]) => id);
    for (const id of removed) {
      beats.delete(id);
      info.delete(id);
    }
    return removed;
  }

  async listWorkers(namespace: string, workerTimeoutMs: number): Promise<WorkerRecord[]> {
    this.#space.open('listWorkers');
    const now = Date.now();
    const beats = this.#space.sortedSets.get(globalKeys.workers(namespace)) ?? new Map<string, number>();
    const info = this.#space.hashes.get(globalKeys.workerInfo(namespace));
    return [...beats]
      .filter(([, at]) => at >= now - workerTimeoutMs)
      .sort((a, b) => a[1] - b[1])
      .map(([workerId, lastHeartbeat]) => {
        const extra = JSON.parse(info?.get(workerId) ?? '{"startTime":0,"plugins":[]}') as { startTime: number; plugins: string[] };
        return { workerId, lastHeartbeat, ...extra };
      });
  }

  async removeWorker(namespace: string, workerId: string): Promise<void> {
    this.#space.open('removeWorker');
    this.#space.sortedSets.get(globalKeys.workers(namespace))?.delete(workerId);
    this.#space.hashes.get(globalKeys.workerInfo(namespace))?.delete(workerId);
  }

  async fencedWrite(namespace: string, tag: string, epoch: number, ops: readonly FencedOp[]): Promise<FencedResult> {
    this.#space.open('fencedWrite');
    for (const op of ops) {
      if (hashTagOf(op.key) !== tag) throw new InvalidConfigError(`fenced key ${op.key} is not in the slot {${tag}}`);
    }
    const fenceKey = globalKeys.fence(tag, namespace);
    const blocker = fencedOutBy(this.#space, fenceKey, epoch);
    if (blocker !== undefined) return { applied: false, currentEpoch: blocker };
    if (tag === namespace) {
      const current = Number(this.#space.hashes.get(globalKeys.leader(namespace))?.get('epoch') ?? 0);
      if (current !== epoch) return { applied: false, currentEpoch: current };
    }
    holdFence(this.#space, fenceKey, epoch);
    for (const op of ops) this.#apply(op);
    return { applied: true, currentEpoch: epoch };
  }

  #apply(op: FencedOp): void {
    const ttl = (op.op !== 'del' ? op.ttlMs : undefined) ?? FENCED_WRITE_TTL_MS;
    switch (op.op) {
      case 'set':
        this.#space.strings.set(op.key, op.value, ttl);
        return;
      case 'del':
        for (const space of this.#space.spaces()) space.delete(op.key);
        return;
      case 'hset': {
        const hash = this.#space.mapAt(this.#space.hashes, op.key, ttl);
        for (const [field, value] of Object.entries(op.fields)) hash.set(field, value);
        this.#space.hashes.expire(op.key, ttl);
        return;
      }
      case 'xadd':
        this.#space.appendEntry(op.key, op.body, ttl);
        if (op.maxLen !== undefined) this.#space.streams.get(op.key)?.trim(op.maxLen);
    }
  }

  /** The last epoch handed out in the namespace (its counter key; 0 when there is none). */
  #epoch(namespace: string): number {
    return Number(this.#space.strings.get(globalKeys.epoch(namespace)) ?? 0);
  }

  #holds(namespace: string, worker: LeaseHolder, epoch: number): boolean {
    const lease = this.#space.hashes.get(globalKeys.leader(namespace));
    return lease?.get('workerId') === worker.workerId && lease.get('instance') === worker.instance && Number(lease.get('epoch')) === epoch;
  }

  #state(namespace: string): LeaseState {
    const key = globalKeys.leader(namespace);
    const lease = this.#space.hashes.get(key);
    return {
      holder: lease?.get('workerId') ?? null,
      epoch: lease ? Number(lease.get('epoch')) : this.#epoch(namespace),
      ttlMs: lease ? (this.#space.hashes.ttl(key) ?? 0) : 0,
      eventsCursor: this.#space.streams.get(globalKeys.events(namespace))?.lastId ?? '0-0',
    };
  }

  #event(namespace: string, event: { event: string; workerId: string; epoch: number }): void {
    const key = globalKeys.events(namespace);
    this.#space.appendEntry(key, JSON.stringify(event), LEASE_EVENTS_TTL_MS);
    this.#space.streams.get(key)?.trim(EVENTS_MAX_LEN);
  }
}
