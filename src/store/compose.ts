import { OperationTimer, RECORD_OPERATIONS, type OperationRecorder, type OperationRecorders } from './operation-timing.js';
import type { Operations, StoreBase, StoreOperationListener } from './roles/base.js';
import type { InboxStore } from './roles/inbox.js';
import type { InboxViewStore } from './roles/inbox-view.js';
import type { LeaseStore } from './roles/lease.js';
import type { LivenessStore } from './roles/liveness.js';
import type { MaintenanceStore } from './roles/maintenance.js';
import type { SupervisionStore } from './roles/supervision.js';
import type { WorkStore } from './roles/work.js';

/** One part per role, in this order: what an adapter composes (`kind` and `breaker` are the adapter's own fields). */
export type RoleParts = [
  base: Omit<StoreBase, 'kind' | 'breaker' | 'lostState' | 'observeOperations'>,
  inbox: Operations<InboxStore>,
  liveness: Operations<LivenessStore>,
  work: Operations<WorkStore>,
  leases: Operations<LeaseStore>,
  supervision: Operations<SupervisionStore>,
  maintenance: Operations<MaintenanceStore>,
  inboxView: Operations<InboxViewStore>,
];

/** The members of every type of a tuple, as one type. */
type AllOf<T extends readonly object[]> = T extends readonly [infer Head, ...infer Rest extends readonly object[]] ? Head & AllOf<Rest> : unknown;

/** The public methods a part's class defines (its helpers are #private, so they are not among them). */
function methodNames(part: object): string[] {
  const prototype = Object.getPrototypeOf(part) as object;
  return Object.getOwnPropertyNames(prototype).filter((name) => name !== 'constructor' && typeof Reflect.get(prototype, name) === 'function');
}

/** Methods of the parts that are not store operations: nothing to time. */
const NOT_OPERATIONS = new Set(['close', 'onConnectionChange']);

type Method = (...args: unknown[]) => unknown;

/**
 * A base class whose instances carry every method of the parts passed to its constructor, bound
 * to its part: an adapter is its role parts composed, and the forwarding is written here once
 * rather than once per operation. Two parts defining one name is a programming error. Here too,
 * once for both adapters, the operations are timed for observeOperations listeners and operation
 * recorders (operation-timing.ts): by swapping each forwarded method for a timed one while one is
 * attached, so that without one an operation costs nothing more.
 */
function composedOf<Parts extends readonly object[]>(): new (...parts: Parts) => AllOf<Parts> & Pick<StoreBase, 'observeOperations'> {
  class Composed {
    /** The bound operations, by name, as they run unobserved. */
    readonly #operations = new Map<string, Method>();
    readonly #listeners = new Set<StoreOperationListener>();
    /** Each attached recorder's per-operation recorders, made once when it is attached. */
    readonly #recorders: Map<string, OperationRecorder>[] = [];
    /** Each operation's timer and timed method, made at the first observation and kept: observing again reuses them (no new closures for the JIT to learn). */
    #timed: Map<string, { timer: OperationTimer; method: Method }> | undefined;
    #observed = false;

    constructor(...parts: Parts) {
      for (const part of parts) {
        for (const name of methodNames(part)) {
          if (Object.hasOwn(this, name)) throw new Error(`two store parts define ${name}`);
          const method = (Reflect.get(part, name) as Method).bind(part);
          Object.defineProperty(this, name, { value: method, writable: true, configurable: true, enumerable: false });
          if (!NOT_OPERATIONS.has(name)) this.#operations.set(name, method);
        }
      }
    }

    observeOperations(listener: StoreOperationListener): () => void {
      this.#listeners.add(listener);
      this.#retime();
      return () => {
        if (this.#listeners.delete(listener)) this.#retime();
      };
    }

    /** Attaches operation recorders (the metrics'): each operation's settlings, as plain values. Returns what detaches them. */
    [RECORD_OPERATIONS](recorders: OperationRecorders): () => void {
      const byOperation = new Map([...this.#operations.keys()].map((name) => [name, recorders(name)]));
      this.#recorders.push(byOperation);
      this.#retime();
      return () => {
        const at = this.#recorders.indexOf(byOperation);
        if (at < 0) return;
        this.#recorders.splice(at, 1);
        this.#retime();
      };
    }

    /** Times the operations while anything observes them, and hands each timer its recorders; runs them plain otherwise. */
    #retime(): void {
      const observed = this.#listeners.size > 0 || this.#recorders.length > 0;
      this.#timed ??= this.#makeTimed();
      // Unobserved, a timer keeps no recorder: an operation still under way records nothing more.
      for (const [name, { timer }] of this.#timed) timer.recorders = this.#recorders.map((byOperation) => byOperation.get(name)!);
      if (observed === this.#observed) return;
      this.#observed = observed;
      for (const [name, { method }] of this.#timed) Reflect.set(this, name, observed ? method : this.#operations.get(name));
    }

    #makeTimed(): Map<string, { timer: OperationTimer; method: Method }> {
      const timed = new Map<string, { timer: OperationTimer; method: Method }>();
      for (const [name, method] of this.#operations) {
        const timer = new OperationTimer(name, this.#listeners);
        timed.set(name, { timer, method: timer.wrap(method) });
      }
      return timed;
    }
  }
  return Composed as unknown as new (...parts: Parts) => AllOf<Parts> & Pick<StoreBase, 'observeOperations'>;
}

/**
 * The base of MemoryStore and RedisStore: the role parts' operations, forwarded. Each is bound to
 * its part, so one read off a wrapper (a Proxy) and called on it still works.
 */
export const ComposedStore = composedOf<RoleParts>();
