import { MAX_EPOCH, epochFrom } from '../../protocol/election-seal.js';
import { InvalidConfigError } from '../../protocol/errors.js';
import { globalKeys, hashTagOf } from '../../protocol/keys.js';
import type { AcquireResult, FencedOp, FencedResult, FencedWriteOptions, LeaseClaim, LeaseRelease, LeaseRenewal, LeaseState, StoredLease, WorkerRecord } from '../lease-types.js';
import { FENCED_WRITE_TTL_MS, LEASE_EVENTS_TTL_MS, WORKERS_TTL_MS } from '../retention.js';
import type { Operations } from '../roles/base.js';
import type { BlockingRead, StreamEntry } from '../roles/common.js';
import type { LeaseStore } from '../roles/lease.js';
import { epochIn } from './epoch-value.js';
import { holdFence } from './fence.js';
import { keyType, storedLease } from './lease-record.js';
import type { MemoryKeyspace } from './memory-keyspace.js';

/** Leadership events a namespace keeps, as the MAXLEN of lease-acquire.lua and lease-release.lua. */
const EVENTS_MAX_LEN = 100;

/** The leader-election operations of the embedded store, with the semantics of the Lua scripts. */
export class MemoryLeases implements Operations<LeaseStore> {
  readonly #space: MemoryKeyspace;

  constructor(keyspace: MemoryKeyspace) {
    this.#space = keyspace;
  }

  async acquireLease(namespace: string, claim: LeaseClaim): Promise<AcquireResult> {
    this.#space.open('acquireLease');
    const { worker, knownEpoch, epoch, leaseMs } = claim;
    const key = globalKeys.leader(namespace);
    this.#keepEventsStream(namespace);
    let counter = epochIn(this.#space, globalKeys.epoch(namespace));
    if (claim.resetCounter !== undefined && counter === claim.resetCounter) counter = 0;
    let record = storedLease(this.#space, key);
    if (record && record.workerId === worker.workerId && record.instance === worker.instance && record.epoch !== String(knownEpoch)) {
      this.#deleteKey(key);
      record = undefined;
    }
    const stale = epoch <= counter || epoch > MAX_EPOCH;
    if ((record && record.digest !== (claim.replace ?? '')) || stale) return { ...this.#state(namespace, counter, leaseMs), acquired: false };
    this.#deleteKey(key); // a forged record the caller named, if any
    // SET KEEPTTL: the counter is permanent, but keeps any lifetime someone gave it.
    const epochKey = globalKeys.epoch(namespace);
    if (!this.#space.strings.replace(epochKey, String(epoch))) {
      this.#deleteKey(epochKey);
      this.#space.strings.set(epochKey, String(epoch), Number.POSITIVE_INFINITY);
    }
    const fields = { workerId: worker.workerId, instance: worker.instance, epoch: String(epoch), leaseMs: String(leaseMs), renewal: '0', seal: claim.seal, since: String(Date.now()) };
    this.#space.hashes.set(key, new Map(Object.entries(fields)), leaseMs);
    this.#event(namespace, { event: 'acquired', workerId: worker.workerId, epoch, seal: claim.eventSeal });
    return { ...this.#state(namespace, epoch, leaseMs), acquired: true };
  }

  async renewLease(namespace: string, renewal: LeaseRenewal): Promise<boolean> {
    this.#space.open('renewLease');
    const key = globalKeys.leader(namespace);
    if (!this.#holds(namespace, renewal) || epochIn(this.#space, globalKeys.epoch(namespace)) > renewal.epoch) return false;
    const lease = this.#space.hashes.get(key)!;
    lease.set('renewal', String(renewal.renewal));
    lease.set('seal', renewal.seal);
    return this.#space.hashes.expire(key, renewal.leaseMs);
  }

  async releaseLease(namespace: string, release: LeaseRelease): Promise<boolean> {
    this.#space.open('releaseLease');
    if (!this.#holds(namespace, release)) return false;
    this.#space.hashes.delete(globalKeys.leader(namespace));
    this.#keepEventsStream(namespace);
    this.#event(namespace, { event: 'released', workerId: release.worker.workerId, epoch: release.epoch, seal: release.eventSeal });
    return true;
  }

  async readLease(namespace: string): Promise<LeaseState> {
    this.#space.open('readLease');
    return this.#state(namespace, epochIn(this.#space, globalKeys.epoch(namespace)), Number.POSITIVE_INFINITY);
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

  async fencedWrite(namespace: string, tag: string, epoch: number, ops: readonly FencedOp[], options: FencedWriteOptions = {}): Promise<FencedResult> {
    this.#space.open('fencedWrite');
    for (const op of ops) {
      if (hashTagOf(op.key) !== tag) throw new InvalidConfigError(`fenced key ${op.key} is not in the slot {${tag}}`);
    }
    if (epoch < 1) return { applied: false, currentEpoch: 0, refusedBy: 'term' };
    const fenceKey = globalKeys.fence(tag, namespace);
    let seen = epochIn(this.#space, fenceKey);
    if (options.replaceFence !== undefined && seen === options.replaceFence) seen = 0;
    if (epoch < seen) return { applied: false, currentEpoch: seen, refusedBy: 'fence' };
    if (tag === namespace) {
      // As HGET on the leader key: a field of a hash, nothing for another type.
      const current = epochFrom(this.#space.hashes.get(globalKeys.leader(namespace))?.get('epoch'));
      if (current !== epoch) return { applied: false, currentEpoch: current, refusedBy: 'term' };
      const counter = epochIn(this.#space, globalKeys.epoch(namespace));
      if (counter > epoch) return { applied: false, currentEpoch: counter, refusedBy: 'term' };
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

  #holds(namespace: string, claim: { worker: { workerId: string; instance: string }; epoch: number }): boolean {
    const record = storedLease(this.#space, globalKeys.leader(namespace));
    return record?.workerId === claim.worker.workerId && record.instance === claim.worker.instance && record.epoch === String(claim.epoch);
  }

  /** The lease as the scripts reply it, with the counter they read; a lease key without expiry reports `noExpiryMs` left (as leaseTtl()). */
  #state(namespace: string, counter: number, noExpiryMs: number): LeaseState {
    const key = globalKeys.leader(namespace);
    const record: StoredLease | null = storedLease(this.#space, key) ?? null;
    const ttl = record ? this.#ttl(key) : 0;
    return {
      holder: record?.workerId || null,
      epoch: record ? epochFrom(record.epoch) : counter,
      ttlMs: ttl === Number.POSITIVE_INFINITY ? noExpiryMs : ttl,
      eventsCursor: this.#space.streams.get(globalKeys.events(namespace))?.lastId ?? '0-0',
      record,
      counter,
    };
  }

  /** Remaining lifetime of a key of any type (PTTL), ms. */
  #ttl(key: string): number {
    for (const space of this.#space.spaces()) {
      const ttl = space.ttl(key);
      if (ttl !== undefined) return ttl;
    }
    return 0;
  }

  #deleteKey(key: string): void {
    for (const space of this.#space.spaces()) space.delete(key);
  }

  /** Only a stream of events belongs at the events key: anything else was written by hand and is dropped. */
  #keepEventsStream(namespace: string): void {
    const key = globalKeys.events(namespace);
    const kind = keyType(this.#space, key);
    if (kind !== 'stream' && kind !== 'none') this.#deleteKey(key);
  }

  #event(namespace: string, event: { event: string; workerId: string; epoch: number; seal: string }): void {
    const key = globalKeys.events(namespace);
    this.#space.appendEntry(key, JSON.stringify(event), LEASE_EVENTS_TTL_MS);
    this.#space.streams.get(key)?.trim(EVENTS_MAX_LEN);
  }
}
