import { isValidId } from '../../protocol/ids.js';
import { keys } from '../../protocol/keys.js';
import type { Store } from '../../store/port.js';
import { latestRecord, ownRecords } from '../../supervision/supervisor/liveness.js';
import { findCycles } from '../../supervision/supervisor/wait-for-graph.js';
import type { CoordinatorView, SwarmView } from './coordinator-view.js';
import { readReplacements } from './replacements.js';

/** What judging a coordinator needs besides the store. */
export interface ViewOptions {
  /** Past this silence (store ms) a coordinator is dead. */
  deadThresholdMs: number;
}

type ViewStore = Pick<Store, 'listRegistry' | 'readStrings' | 'inboxLengths' | 'readSwarmEvents'>;

/**
 * A swarm's coordinators and deadlocks, in four round trips whatever its size: the registry, one
 * batch of records (heartbeats, activity, warnings), one pipeline of inbox lengths, and the
 * swarm's event log (replacements, which also lists the replaced ones the registry dropped).
 */
export async function readSwarm(store: ViewStore, swarmId: string, now: number, options: ViewOptions): Promise<SwarmView> {
  const registry = (await store.listRegistry(swarmId)).filter((e) => isValidId(e.coordinatorId) && Number.isFinite(e.lastSeen));
  const ids = registry.map((e) => e.coordinatorId);
  const n = ids.length;
  const [records, lengths, replacements] = await Promise.all([
    store.readStrings([...ids.map((id) => keys.heartbeat(id)), ...ids.map((id) => keys.activity(swarmId, id)), ...ids.map((id) => keys.warning(swarmId, id))]),
    store.inboxLengths(ids.map((coordinatorId) => ({ swarmId, coordinatorId }))),
    readReplacements(store, swarmId),
  ]);
  const replacedBy = new Map(replacements.map((r) => [r.oldCoordinatorId, r.newCoordinatorId]));
  const replaces = new Map(replacements.map((r) => [r.newCoordinatorId, r.oldCoordinatorId]));
  const coordinators: CoordinatorView[] = registry.map(({ coordinatorId: id, lastSeen: score }, i) => {
    const own = ownRecords(id, records[i] ?? null, records[n + i] ?? null);
    const { heartbeat, activity } = own;
    const warnings = Number(records[2 * n + i] ?? 0) || 0;
    // As the supervisor judges: the latest of the registry score and the coordinator's own records.
    const lastSeen = Math.max(score, latestRecord(own));
    const heartbeatAgeMs = Math.max(0, now - lastSeen);
    const waitingFor = [...new Set([...(heartbeat?.waitingFor ?? []), ...(activity?.waitingFor ?? [])].filter(isValidId))];
    const state = replacedBy.has(id) ? 'replaced' : heartbeatAgeMs > options.deadThresholdMs ? 'dead' : warnings > 0 ? 'warned' : 'alive';
    return {
      id,
      swarmId,
      state,
      status: heartbeat?.status ?? null,
      phase: heartbeat?.phase ?? activity?.phase ?? null,
      iteration: heartbeat?.iteration ?? activity?.iteration ?? null,
      lastSeen,
      heartbeatAgeMs,
      waitingFor,
      pendingSignals: lengths[i] ?? 0,
      warnings,
      replacedBy: replacedBy.get(id) ?? null,
      replaces: replaces.get(id) ?? null,
    };
  });
  // Escalation removes the dead from the registry: the event log still names them.
  const listed = new Set(ids);
  for (const r of replacements) {
    if (listed.has(r.oldCoordinatorId)) continue;
    listed.add(r.oldCoordinatorId);
    coordinators.push(replacedView(swarmId, r.oldCoordinatorId, r.newCoordinatorId, r.at, now, replaces.get(r.oldCoordinatorId) ?? null));
  }
  const live = coordinators.filter((c) => c.state === 'alive' || c.state === 'warned');
  const graph = new Map(live.filter((c) => c.waitingFor.length > 0).map((c) => [c.id, new Set(c.waitingFor)]));
  return { swarmId, coordinators, deadlocks: findCycles(graph).map((cycle) => ({ cycle })) };
}

function replacedView(swarmId: string, id: string, replacementId: string, at: number, now: number, replaces: string | null): CoordinatorView {
  return {
    id,
    swarmId,
    state: 'replaced',
    status: null,
    phase: null,
    iteration: null,
    lastSeen: at,
    heartbeatAgeMs: Math.max(0, now - at),
    waitingFor: [],
    pendingSignals: 0,
    warnings: 0,
    replacedBy: replacementId,
    replaces,
  };
}
