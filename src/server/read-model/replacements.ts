import { isValidId } from '../../protocol/ids.js';
import type { SupervisionStore } from '../../store/port.js';

/** One replacement from a swarm's event log. */
export interface Replacement {
  oldCoordinatorId: string;
  newCoordinatorId: string;
  /** Store ms of the escalation. */
  at: number;
  entryId: string;
}

/** Most events read from a swarm's log per request (the log itself is capped near 1,000). */
const MAX_EVENTS = 1_000;

/** The replacements a swarm's durable event log holds after `afterId`, oldest first; entries that do not parse are skipped. */
export async function readReplacements(store: Pick<SupervisionStore, 'readSwarmEvents'>, swarmId: string, afterId = '0-0'): Promise<Replacement[]> {
  const entries = await store.readSwarmEvents(swarmId, afterId, { count: MAX_EVENTS, blockMs: 0 });
  const replacements: Replacement[] = [];
  for (const entry of entries) {
    const event = parse(entry.body);
    if (event) replacements.push({ ...event, entryId: entry.entryId });
  }
  return replacements;
}

function parse(body: string | null): Omit<Replacement, 'entryId'> | undefined {
  try {
    const value = JSON.parse(body ?? 'null') as Record<string, unknown> | null;
    const { oldCoordinatorId, newCoordinatorId, at } = value ?? {};
    if (!isValidId(oldCoordinatorId) || !isValidId(newCoordinatorId) || typeof at !== 'number') return undefined;
    return { oldCoordinatorId, newCoordinatorId, at };
  } catch {
    return undefined;
  }
}
