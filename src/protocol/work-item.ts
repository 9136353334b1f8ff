import { z } from 'zod';

/** A unit of work a coordinator owns; escalation moves a dead coordinator's items to its replacement. */
export interface WorkItem<D = unknown> {
  taskId: string;
  swarmId: string;
  /** The coordinator that owns it now. */
  assignedTo: string;
  /** Store ms. */
  assignedAt: number;
  data: D;
  /** Set when escalation moved it: the dead coordinator, and when (store ms). */
  transferredFrom?: string;
  transferredAt?: number;
}

const workItemSchema = z.object({
  taskId: z.string(),
  swarmId: z.string(),
  assignedTo: z.string(),
  assignedAt: z.number(),
  data: z.unknown(),
  transferredFrom: z.string().optional(),
  transferredAt: z.number().optional(),
});

export function parseWorkItem(body: string): WorkItem | undefined {
  try {
    const parsed = workItemSchema.safeParse(JSON.parse(body));
    return parsed.success ? (parsed.data as WorkItem) : undefined;
  } catch {
    return undefined;
  }
}
