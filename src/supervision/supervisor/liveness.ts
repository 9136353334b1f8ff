import { parseActivity } from '../../protocol/activity.js';
import { parseHeartbeat, type Heartbeat } from '../../protocol/heartbeat.js';
import { keys } from '../../protocol/keys.js';
import type { LivenessStore, MaintenanceStore } from '../../store/port.js';

/** What the supervisor knows of a registered coordinator's life. */
export interface Liveness {
  /**
   * Store ms of its last sign of life: the latest of its registry entry (its last heartbeat in
   * this swarm, or its last recorded activity), its heartbeat record and its activity record.
   */
  lastSeen: number;
  /** The coordinators it waits for, by its heartbeat and its recorded activity. */
  waitingFor: ReadonlySet<string>;
}

/** What heartbeats and activity records both tell. */
type SignOfLife = Pick<Heartbeat, 'coordinatorId' | 'timestamp' | 'waitingFor'>;

/**
 * Every coordinator in a swarm's registry (coordinators that beat or record activity are listed
 * there) and its liveness. A record counts only for the coordinator it names; a heartbeat counts
 * in every swarm, so a coordinator that beats is never dead where it only recorded activity.
 */
export async function readLiveness(store: LivenessStore & MaintenanceStore, swarmId: string): Promise<Map<string, Liveness>> {
  const entries = await store.listRegistry(swarmId);
  const ids = entries.map((entry) => entry.coordinatorId);
  const bodies = await store.readStrings([...ids.map((id) => keys.heartbeat(id)), ...ids.map((id) => keys.activity(swarmId, id))]);
  return new Map(
    entries.map(({ coordinatorId, lastSeen }, i) => {
      const read: (SignOfLife | undefined)[] = [parseHeartbeat(bodies[i] ?? 'null'), parseActivity(bodies[ids.length + i] ?? null)];
      const records = read.filter((record): record is SignOfLife => record?.coordinatorId === coordinatorId);
      return [coordinatorId, { lastSeen: Math.max(lastSeen, ...records.map((record) => record.timestamp)), waitingFor: new Set(records.flatMap((record) => record.waitingFor)) }];
    }),
  );
}
