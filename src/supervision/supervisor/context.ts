import type { Hooks } from '../../core/hooks.js';
import { StoreClock } from '../../core/store-clock.js';
import type { Logger } from '../../protocol/logger.js';
import type { Fence, LeaseStore, LivenessStore, MaintenanceStore, SupervisionStore } from '../../store/port.js';

/** The store roles the supervisor uses (LeaseStore for its election): any `Store` has them. */
export type SupervisorStore = SupervisionStore & LivenessStore & MaintenanceStore & LeaseStore;
import type { SupervisorConfig } from '../supervisor-options.js';
import type { SupervisorCaps } from './caps.js';
import type { EmitSupervisorEvent, TimeoutHandlerEvents } from './events.js';
import type { Rejections } from './rejections.js';

/** What every part of the supervisor shares. */
export interface SupervisorContext {
  readonly store: SupervisorStore;
  readonly config: SupervisorConfig;
  readonly logger: Logger;
  readonly hooks: Hooks;
  readonly emit: EmitSupervisorEvent;
  /** Whether anyone listens to `event`: what only a listener needs (timings, counts) is not computed otherwise. */
  listens(event: keyof TimeoutHandlerEvents): boolean;
  /** Where entries read from the store that fail validation are counted and reported. */
  readonly rejections: Rejections;
  /** The escalation and spawn caps. */
  readonly caps: SupervisorCaps;
  /** The store's clock, ms: liveness is judged by it, never by this machine's. */
  now(): Promise<number>;
}

/** The store's clock as a function, re-synchronised every `syncIntervalMs`. */
export function storeTime(store: Pick<SupervisorStore, 'time'>, syncIntervalMs: number): () => Promise<number> {
  const clock = new StoreClock();
  return async () => {
    if (clock.isStale(syncIntervalMs)) await clock.sync(store);
    return clock.now();
  };
}

/** The supervisors' term `epoch`, which fences the store's supervision writes. */
export function fenceOf(ctx: SupervisorContext, epoch: number): Fence {
  return { namespace: ctx.config.namespace, epoch };
}
