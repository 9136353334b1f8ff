import type { Operations, StoreBase } from './roles/base.js';
import type { InboxStore } from './roles/inbox.js';
import type { InboxViewStore } from './roles/inbox-view.js';
import type { LeaseStore } from './roles/lease.js';
import type { LivenessStore } from './roles/liveness.js';
import type { MaintenanceStore } from './roles/maintenance.js';
import type { SupervisionStore } from './roles/supervision.js';
import type { WorkStore } from './roles/work.js';

/** One part per role, in this order: what an adapter composes (`kind` and `breaker` are the adapter's own fields). */
export type RoleParts = [
  base: Omit<StoreBase, 'kind' | 'breaker' | 'lostState'>,
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

/**
 * A base class whose instances carry every method of the parts passed to its constructor, bound
 * to its part: an adapter is its role parts composed, and the forwarding is written here once
 * rather than once per operation. Two parts defining one name is a programming error.
 */
function composedOf<Parts extends readonly object[]>(): new (...parts: Parts) => AllOf<Parts> {
  class Composed {
    constructor(...parts: Parts) {
      for (const part of parts) {
        for (const name of methodNames(part)) {
          if (Object.hasOwn(this, name)) throw new Error(`two store parts define ${name}`);
          const method = Reflect.get(part, name) as (...args: unknown[]) => unknown;
          Object.defineProperty(this, name, { value: method.bind(part), writable: true, configurable: true, enumerable: false });
        }
      }
    }
  }
  return Composed as unknown as new (...parts: Parts) => AllOf<Parts>;
}

/**
 * The base of MemoryStore and RedisStore: the role parts' operations, forwarded. Each is bound to
 * its part, so one read off a wrapper (a Proxy) and called on it still works.
 */
export const ComposedStore = composedOf<RoleParts>();
