import { Queue, QueueEvents, Worker, type ConnectionOptions, type Processor } from 'bullmq';
import { STEP_TIMEOUT_MS } from '../scenario.js';
import { closeInOrder } from './bullmq-connection.js';

/** A queue whose worker returns at once, and the QueueEvents a producer waits on. */
export interface JobQueue {
  /** Adds a job and resolves when it has finished: BullMQ's round trip. */
  roundTrip(n: number): Promise<void>;
}

/**
 * Runs `body` against a fresh queue `name` processed by one Worker with `concurrency`, and the
 * QueueEvents its producers wait on; then closes the worker, the events reader and the queue.
 * Jobs use BullMQ's default options.
 */
export async function withWorkedQueue<T>(
  connection: ConnectionOptions,
  prefix: string,
  name: string,
  worker: { processor: Processor; concurrency: number },
  body: (queue: Queue, events: QueueEvents) => Promise<T>,
): Promise<T> {
  const queue = new Queue(name, { connection, prefix });
  const events = new QueueEvents(name, { connection, prefix });
  const processing = new Worker(name, worker.processor, { connection, prefix, concurrency: worker.concurrency });
  // Every concurrent waitUntilFinished listens on both (150 at once in the burst row).
  queue.setMaxListeners(0);
  events.setMaxListeners(0);
  try {
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady(), processing.waitUntilReady()]);
    return await body(queue, events);
  } finally {
    await closeInOrder([processing, events, queue]);
  }
}

/** BullMQ's round trip: a job added, processed by a worker that returns at once, and waited on. */
export function withJobQueue<T>(connection: ConnectionOptions, prefix: string, concurrency: number, body: (queue: JobQueue) => Promise<T>): Promise<T> {
  const name = 'wake';
  return withWorkedQueue(connection, prefix, name, { processor: () => Promise.resolve(), concurrency }, (queue, events) =>
    body({
      async roundTrip(n) {
        const job = await queue.add(name, { iteration: n });
        await job.waitUntilFinished(events, STEP_TIMEOUT_MS);
      },
    }),
  );
}
