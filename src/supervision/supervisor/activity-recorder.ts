import { encodeActivity } from '../../protocol/activity.js';
import { assertId, assertIds } from '../../protocol/ids.js';
import { DEFAULT_SWARM_ID } from '../supervisor-options.js';
import type { SupervisorContext } from './context.js';

export interface RecordActivityOptions {
  /** Default `default` (as a coordinator's). */
  swarmId?: string;
  /** The coordinators it waits for now (deadlock detection). */
  waitingFor?: string[];
}

/**
 * Records that a coordinator is active, on the store's clock, through the activity schema. The
 * store also lists it in its swarm's registry, so the supervisor checks a coordinator that only
 * records activity (no heartbeats) like one that beats.
 */
export async function recordActivity(ctx: SupervisorContext, coordinatorId: string, iteration: number, phase: string, options: RecordActivityOptions = {}): Promise<void> {
  const swarmId = options.swarmId ?? DEFAULT_SWARM_ID;
  const waitingFor = options.waitingFor ?? [];
  assertId(coordinatorId, 'coordinator id');
  assertId(swarmId, 'swarm id');
  assertIds(waitingFor, 'coordinator id');
  const body = encodeActivity({ coordinatorId, swarmId, iteration, phase, waitingFor, timestamp: await ctx.now() });
  await ctx.store.recordActivity({ swarmId, coordinatorId }, body, ctx.config.activityTtlMs);
}
