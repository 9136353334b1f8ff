import { InvalidConfigError } from '../../protocol/errors.js';
import { globalKeys, hashTagOf } from '../../protocol/keys.js';
import type { AcquireResult, FencedOp, FencedResult, LeaseHolder, LeaseState, WorkerRecord } from '../lease-types.js';
import type { BlockingRead, StreamEntry } from '../port.js';
import { MemoryKeyspace } from './memory-keyspace.js';

const EVENTS_TTL_MS = 86_400_000;
const WORKERS_TTL_MS = 86_400_000;
const FENCE_TTL_MS = 7 * 86_400_000;
const EVENTS_MAX_LEN = 100;

/** The leader-election operations of the embedded store, with the semantics of the Lua scripts. */
export class MemoryLeases extends MemoryKeyspace {
  readonly #epochs = new Map<string, number>();

  async acquireLease(namespace: string, worker: LeaseHolder, knownEpoch: number, leaseMs: number): Promise<AcquireResult> {
    this.open('acquireLease');
    const { workerId, instance } = worker;
    const key = globalKeys.leader(namespace);
    const lease = this.hashes.get(key);
    if (lease && lease.get('workerId') === workerId && lease.get('instance') === instance && Number(lease.get('epoch')) !== knownEpoch) {
      this.hashes.delete(key);
    }
    const held = this.hashes.get(key);
    if (held) return { ...this.#state(namespace), acquired: false };
    const epoch = (this.#epochs.get(namespace) ?? 0) + 1;
    this.#epochs.set(namespace, epoch);
    this.hashes.set(key, new Map([['workerId', workerId], ['instance', instance], ['epoch', String(epoch)], ['since', String(Date.now())]]), leaseMs);
    this.#event(namespace, { event: 'acquired', workerId, epoch });
    return { ...this.#state(namespace), acquired: true };
  }

  async renewLease(namespace: string, worker: LeaseHolder, epoch: number, leaseMs: number): Promise<boolean> {
    this.open('renewLease');
    const key = globalKeys.leader(namespace);
    if (!this.#holds(namespace, worker, epoch)) return false;
    return this.hashes.expire(key, leaseMs);
  }

  async releaseLease(namespace: string, worker: LeaseHolder, epoch: number): Promise<boolean> {
    this.open('releaseLease');
    if (!this.#holds(namespace, worker, epoch)) return false;
    this.hashes.delete(globalKeys.leader(namespace));
    this.#event(namespace, { event: 'released', workerId: worker.workerId, epoch });
    return true;
  }

  async readLease(namespace: string): Promise<LeaseState> {
    this.open('readLease');
    return this.#state(namespace);
  }

  async readLeaseEvents(namespace: string, afterId: string, read: BlockingRead): Promise<StreamEntry[]> {
    this.open('readLeaseEvents');
    return this.readStreamAfter(globalKeys.events(namespace), afterId, read);
  }

  async touchWorker(namespace: string, worker: Omit<WorkerRecord, 'lastHeartbeat'>, workerTimeoutMs: number): Promise<string[]> {
    this.open('touchWorker');
    const now = Date.now();
    const beats = this.mapAt(this.sortedSets, globalKeys.workers(namespace), WORKERS_TTL_MS);
    const info = this.mapAt(this.hashes, globalKeys.workerInfo(namespace), WORKERS_TTL_MS);
    beats.set(worker.workerId, now);
    info.set(worker.workerId, JSON.stringify({ startTime: worker.startTime, plugins: worker.plugins }));
    this.sortedSets.expire(globalKeys.workers(namespace), WORKERS_TTL_MS);
    this.hashes.expire(globalKeys.workerInfo(namespace), WORKERS_TTL_MS);
    const removed = [...beats].filter(([, at]) => at < now - workerTimeoutMs).map(([id]) => id);
    for (const id of removed) {
      beats.delete(id);
      info.delete(id);
    }
    return removed;
  }

  async listWorkers(namespace: string, workerTimeoutMs: number): Promise<WorkerRecord[]> {
    this.open('listWorkers');
    const now = Date.now();
    const beats = this.sortedSets.get(globalKeys.workers(namespace)) ?? new Map<string, number>();
    const info = this.hashes.get(globalKeys.workerInfo(namespace));
    return [...beats]
      .filter(([, at]) => at >= now - workerTimeoutMs)
      .sort((a, b) => a[1] - b[1])
      .map(([workerId, lastHeartbeat]) => {
        const extra = JSON.parse(info?.get(workerId) ?? '{"startTime":0,"plugins":[]}') as { startTime: number; plugins: string[] };
        return { workerId, lastHeartbeat, ...extra };
      });
  }

  async removeWorker(namespace: string, workerId: string): Promise<void> {
    this.open('removeWorker');
    this.sortedSets.get(globalKeys.workers(namespace))?.delete(workerId);
    this.hashes.get(globalKeys.workerInfo(namespace))?.delete(workerId);
  }

  async fencedWrite(namespace: string, tag: string, epoch: number, ops: readonly FencedOp[]): Promise<FencedResult> {
    this.open('fencedWrite');
    for (const op of ops) {
      if (hashTagOf(op.key) !== tag) throw new InvalidConfigError(`fenced key ${op.key} is not in the slot {${tag}}`);
    }
    const fenceKey = globalKeys.fence(tag, namespace);
    const seen = Number(this.strings.get(fenceKey) ?? 0);
    if (epoch < 1) return { applied: false, currentEpoch: 0 };
    if (epoch < seen) return { applied: false, currentEpoch: seen };
    if (tag === namespace) {
      const current = Number(this.hashes.get(globalKeys.leader(namespace))?.get('epoch') ?? 0);
      if (current !== epoch) return { applied: false, currentEpoch: current };
    }
    this.strings.set(fenceKey, String(epoch), FENCE_TTL_MS);
    for (const op of ops) this.#apply(op);
    return { applied: true, currentEpoch: epoch };
  }

  /** Connection changes never happen in-process. */
  onConnectionChange(_listener: (connected: boolean) => void): () => void {
    return () => undefined;
  }

  #apply(op: FencedOp): void {
    const ttl = (op.op !== 'del' ? op.ttlMs : undefined) ?? 86_400_000;
    switch (op.op) {
      case 'set':
        this.strings.set(op.key, op.value, ttl);
        return;
      case 'del':
        for (const space of [this.strings, this.streams, this.hashes, this.sortedSets]) space.delete(op.key);
        return;
      case 'hset': {
        const hash = this.mapAt(this.hashes, op.key, ttl);
        for (const [field, value] of Object.entries(op.fields)) hash.set(field, value);
        this.hashes.expire(op.key, ttl);
        return;
      }
      case 'xadd':
        this.appendEntry(op.key, op.body, ttl);
        if (op.maxLen !== undefined) this.streams.get(op.key)?.trim(op.maxLen);
    }
  }

  #holds(namespace: string, worker: LeaseHolder, epoch: number): boolean {
    const lease = this.hashes.get(globalKeys.leader(namespace));
    return lease?.get('workerId') === worker.workerId && lease.get('instance') === worker.instance && Number(lease.get('epoch')) === epoch;
  }

  #state(namespace: string): LeaseState {
    const key = globalKeys.leader(namespace);
    const lease = this.hashes.get(key);
    return {
      holder: lease?.get('workerId') ?? null,
      epoch: lease ? Number(lease.get('epoch')) : (this.#epochs.get(namespace) ?? 0),
      ttlMs: lease ? (this.hashes.ttl(key) ?? 0) : 0,
      eventsCursor: this.streams.get(globalKeys.events(namespace))?.lastId ?? '0-0',
    };
  }

  #event(namespace: string, event: { event: string; workerId: string; epoch: number }): void {
    const key = globalKeys.events(namespace);
    this.appendEntry(key, JSON.stringify(event), EVENTS_TTL_MS);
    this.streams.get(key)?.trim(EVENTS_MAX_LEN);
  }
}
