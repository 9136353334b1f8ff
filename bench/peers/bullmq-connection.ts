/**
 * BullMQ, the peer every comparison row measures in the same run on the same private Redis.
 * Each Queue, Worker, QueueEvents and FlowProducer opens its own connections from these options
 * and closes them on close(), so a closed peer leaves nothing running.
 */
import type { ConnectionOptions } from 'bullmq';

/** Connection options for the private redis-server (BullMQ workers require maxRetriesPerRequest null). */
export function bullmqConnection(port: number): ConnectionOptions {
  return { host: '127.0.0.1', port, maxRetriesPerRequest: null };
}

/** A key prefix of its own per row, so no row sees another's queues. */
export function bullmqPrefix(row: string): string {
  return `bench-bull-${process.pid}-${row}`;
}

interface Closable {
  close(): Promise<unknown>;
}

/** Closes in order (workers first, so no job is left half done), whatever failed before. */
export async function closeInOrder(parts: readonly Closable[]): Promise<void> {
  const errors: unknown[] = [];
  for (const part of parts) {
    try {
      await part.close();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw errors[0];
}
