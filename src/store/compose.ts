import type { Operations, StoreBase, StoreOperationEvent, StoreOperationListener } from './roles/base.js';
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
 * once for both adapters, the operations are timed for observeOperations listeners: by swapping
 * each forwarded method for a timed one while a listener is attached, so that without one an
 * operation costs nothing more.
 */
function composedOf<Parts extends readonly object[]>(): new (...parts: Parts) => AllOf<Parts> & Pick<StoreBase, 'observeOperations'> {
  class Composed {
    /** The bound operations, by name, as they run unobserved. */
    readonly #operations = new Map<string, Method>();
    readonly #listeners = new Set<StoreOperationListener>();

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
      if (this.#listeners.size === 0) for (const [name, method] of this.#operations) Reflect.set(this, name, this.#timed(name, method));
      this.#listeners.add(listener);
      return () => {
        if (!this.#listeners.delete(listener) || this.#listeners.size > 0) return;
        for (const [name, method] of this.#operations) Reflect.set(this, name, method);
      };
    }

    /**
     * `method`, timed. The caller gets the operation's own promise back, not one chained on it: the
     * timing is a side reaction on it (run as it settles, before the caller's own), so observing
     * adds no promise hop to the caller's path and no rejection handling of its own to the promise.
     */
    #timed(operation: string, method: Method): Method {
      return (...args) => {
        const started = performance.now();
        let result: unknown;
        try {
          result = method(...args);
        } catch (error) {
          this.#report(operation, started, error);
          throw error;
        }
        // Async generators (scanKeys) and plain values are timed to the call's return.
        if (!(result instanceof Promise)) this.#report(operation, started, undefined);
        else {
          result.then(
            () => this.#report(operation, started, undefined),
            (error: unknown) => this.#report(operation, started, error),
          );
        }
        return result;
      };
    }

    #report(operation: string, started: number, error: unknown): void {
      const event: StoreOperationEvent = error === undefined ? { operation, durationMs: performance.now() - started } : { operation, durationMs: performance.now() - started, error };
      for (const listener of this.#listeners) {
        try {
          listener(event);
        } catch {
          // A metrics listener's failure never fails the operation it observed.
        }
      }
    }
  }
  return Composed as unknown as new (...parts: Parts) => AllOf<Parts> & Pick<StoreBase, 'observeOperations'>;
}

/**
 * The base of MemoryStore and RedisStore: the role parts' operations, forwarded. Each is bound to
 * its part, so one read off a wrapper (a Proxy) and called on it still works.
 */
export const ComposedStore = composedOf<RoleParts>();
