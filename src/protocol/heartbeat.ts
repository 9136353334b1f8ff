import * as z from 'zod';

export type CoordinatorStatus = 'active' | 'waiting' | 'stopping';

/** The one heartbeat format, stored as JSON at `blocking:heartbeat:<id>`. */
export interface Heartbeat {
  coordinatorId: string;
  swarmId: string;
  /** Store-clock ms when it was written. */
  timestamp: number;
  iteration: number;
  phase: string;
  status: CoordinatorStatus;
  /** Increases by one with every beat of one coordinator instance. */
  sequence: number;
  /** The coordinators its waits are waiting for right now (blockUntilSignal `from`, waitForAcks ids): the supervisor's wait-for graph. */
  waitingFor: string[];
}

const heartbeatSchema = z.object({
  coordinatorId: z.string(),
  swarmId: z.string(),
  timestamp: z.number(),
  iteration: z.number(),
  phase: z.string(),
  status: z.enum(['active', 'waiting', 'stopping']),
  sequence: z.number(),
  waitingFor: z.array(z.string()).default([]),
});

export function parseHeartbeat(body: string): Heartbeat | undefined {
  try {
    const parsed = heartbeatSchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
