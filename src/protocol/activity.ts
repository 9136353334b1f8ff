import * as z from 'zod';
import { InvalidPayloadError } from './errors.js';
import { assertId, assertIds } from './ids.js';
import { idField, wholeNumberField } from './message-fields.js';

/**
 * Activity a coordinator reported through the supervisor (`recordActivity`), stored as JSON at
 * `coordinator:activity:{<swarm>}:<id>`: a sign of life beside the heartbeat, and what it waits for.
 */
export interface Activity {
  coordinatorId: string;
  swarmId: string;
  iteration: number;
  phase: string;
  /** The coordinators it waits for (the supervisor's wait-for graph). */
  waitingFor: string[];
  /** Store-clock ms when it was recorded. */
  timestamp: number;
}

const activitySchema = z.object({
  coordinatorId: idField,
  swarmId: idField,
  iteration: wholeNumberField,
  phase: z.string(),
  waitingFor: z.array(idField).default([]),
  timestamp: wholeNumberField,
});

/** The stored form of an activity record; ids are checked first (InvalidIdError), then the rest (InvalidPayloadError). */
export function encodeActivity(activity: Activity): string {
  assertId(activity.coordinatorId, 'coordinator id');
  assertId(activity.swarmId, 'swarm id');
  assertIds(activity.waitingFor, 'coordinator id');
  return JSON.stringify(checked(activity));
}

/** An activity record to be stored (the store lists its coordinator at its time); InvalidPayloadError when it is not one. */
export function decodeActivity(body: string): Activity {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new InvalidPayloadError('an activity record must be JSON (encodeActivity)');
  }
  return checked(json);
}

/** A stored activity record, or undefined when it is missing or not one (read back from the store: never trusted as is). */
export function parseActivity(body: string | null): Activity | undefined {
  try {
    return body === null ? undefined : decodeActivity(body);
  } catch {
    return undefined;
  }
}

function checked(value: unknown): Activity {
  const parsed = activitySchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const detail = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
  throw new InvalidPayloadError(`invalid activity record: ${detail}`);
}
