import { parseActivity, type Activity } from '../../protocol/activity.js';
import { parseHeartbeat, type Heartbeat } from '../../protocol/heartbeat.js';
import { isValidId } from '../../protocol/ids.js';
import { keys } from '../../protocol/keys.js';
import type { InboxRef, LivenessStore, MaintenanceStore } from '../../store/port.js';
import { validIds, type Rejections } from './rejections.js';

/** What the supervisor knows of a registered coordinator's life. */
export interface Liveness {
  /**
   * Store ms of its last sign of life: the latest of its registry entry (its last heartbeat in
   * this swarm, or its last recorded activity), its heartbeat record and its activity record.
   */
  lastSeen: number;
  /** Store ms of its latest heartbeat or activity record of its own; -Infinity when it has none. */
  recordedAt: number;
  /** The coordinators it waits for, by its heartbeat and its recorded activity. */
  waitingFor: ReadonlySet<string>;
}

/** What heartbeats and activity records both tell. */
type SignOfLife = Pick<Heartbeat, 'coordinatorId' | 'timestamp' | 'waitingFor'>;

/**
 * Every coordinator in a swarm's registry (coordinators that beat or record activity are listed
 * there) and its liveness. A record counts only for the coordinator it names; a heartbeat counts
 * in every swarm, so a coordinator that beats is never dead where it only recorded activity.
 * Registry members that break the id rule, scores that are no time and waitingFor ids that break
 * the rule are skipped and counted: anyone who can write to Redis can write them.
 */
export async function readLiveness(store: LivenessStore & MaintenanceStore, swarmId: string, rejections: Rejections): Promise<Map<string, Liveness>> {
  const entries = (await store.listRegistry(swarmId)).filter(({ coordinatorId, lastSeen }) => {
    const valid = isValidId(coordinatorId) && Number.isFinite(lastSeen);
    if (!valid) rejections.registry('registry', coordinatorId);
    return valid;
  });
  const ids = entries.map((entry) => entry.coordinatorId);
  const bodies = await store.readStrings([...ids.map((id) => keys.heartbeat(id)), ...ids.map((id) => keys.activity(swarmId, id))]);
  return new Map(
    entries.map(({ coordinatorId, lastSeen }, i) => {
      const { heartbeat, activity } = ownRecords(coordinatorId, bodies[i] ?? null, bodies[ids.length + i] ?? null);
      const recordedAt = latestRecord({ heartbeat, activity });
      const waitingFor = validIds([...(heartbeat?.waitingFor ?? []), ...(activity?.waitingFor ?? [])], (value) => rejections.record('waitingFor', value));
      return [coordinatorId, { lastSeen: Math.max(lastSeen, recordedAt), recordedAt, waitingFor: new Set(waitingFor) }];
    }),
  );
}

/**
 * The cross-check before an escalation, read afresh: store ms of the coordinator's latest own
 * heartbeat or activity record, -Infinity when neither exists. The registry score (one ZADD away
 * from any value) is not consulted: a coordinator is escalated only if its own records are absent
 * or stale as well.
 */
export async function lastRecorded(store: MaintenanceStore, owner: InboxRef): Promise<number> {
  const [heartbeat, activity] = await store.readStrings(recordKeys(owner));
  return recordedIn(owner.coordinatorId, heartbeat ?? null, activity ?? null);
}

/** The keys of a coordinator's own records, as `recordedIn` reads them: its heartbeat, then its activity in `swarmId`. */
export function recordKeys(owner: InboxRef): [string, string] {
  return [keys.heartbeat(owner.coordinatorId), keys.activity(owner.swarmId, owner.coordinatorId)];
}

/** Store ms of the latest of these heartbeat and activity bodies that name `coordinatorId`; -Infinity when none does. */
export function recordedIn(coordinatorId: string, heartbeat: string | null, activity: string | null): number {
  return latestRecord(ownRecords(coordinatorId, heartbeat, activity));
}

/** A coordinator's own heartbeat and activity records: each only if it parses, names it and holds a time. */
export interface OwnRecords {
  heartbeat: Heartbeat | undefined;
  activity: Activity | undefined;
}

/** Reads a coordinator's heartbeat and activity bodies: a record counts only for the coordinator it names (anyone may write any key). */
export function ownRecords(coordinatorId: string, heartbeat: string | null, activity: string | null): OwnRecords {
  return { heartbeat: own(heartbeat === null ? undefined : parseHeartbeat(heartbeat), coordinatorId), activity: own(parseActivity(activity), coordinatorId) };
}

/** Store ms of the latest of a coordinator's own records; -Infinity when it has none. */
export function latestRecord({ heartbeat, activity }: OwnRecords): number {
  return Math.max(heartbeat?.timestamp ?? -Infinity, activity?.timestamp ?? -Infinity);
}

function own<T extends SignOfLife>(record: T | undefined, coordinatorId: string): T | undefined {
  return record?.coordinatorId === coordinatorId && Number.isFinite(record.timestamp) ? record : undefined;
}
