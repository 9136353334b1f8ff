import * as z from 'zod';

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

const transferSchema = z.object({ assignedTo: z.string(), transferredFrom: z.string(), transferredAt: z.number(), previous: z.unknown() });

/**
 * Reads a stored work item. An item moved by escalation is stored as `{assignedTo,
 * transferredFrom, transferredAt, previous: <the item as it was>}` (the script never re-encodes
 * user data); this unwraps it, the latest transfer winning.
 */
export function parseWorkItem(body: string): WorkItem | undefined {
  try {
    return fromJson(JSON.parse(body));
  } catch {
    return undefined;
  }
}

function fromJson(json: unknown): WorkItem | undefined {
  const transfer = transferSchema.safeParse(json);
  if (transfer.success) {
    const { previous, ...moved } = transfer.data;
    const base = fromJson(previous);
    return base && { ...base, ...moved };
  }
  const parsed = workItemSchema.safeParse(json);
  return parsed.success ? (parsed.data as WorkItem) : undefined;
}
