import { Queue, QueueEvents, Worker, type ConnectionOptions } from 'bullmq';
import { STEP_TIMEOUT_MS } from '../scenario.js';
import { closeInOrder } from './bullmq-connection.js';

/** A queue whose worker returns at once, and the QueueEvents a producer waits on. */
export interface JobQueue {
  /** Adds a job and resolves when it has finished: BullMQ's round trip. */
  roundTrip(n: number): Promise<void>;
}

/**
 * Runs `body` against a fresh queue processed by one Worker with `concurrency`, then closes the
 * worker, the events reader and the queue. Jobs use BullMQ's default options.
 */
export async function withJobQueue<T>(connection: ConnectionOptions, prefix: string, concurrency: number, body: (queue: JobQueue) => Promise<T>): Promise<T> {
  const name = 'wake';
  const queue = new Queue(name, { connection, prefix });
  const events = new QueueEvents(name, { connection, prefix });
  const worker = new Worker(name, () => Promise.resolve(), { connection, prefix, concurrency });
  // Every concurrent waitUntilFinished listens on both (100 at once in the throughput row).
  queue.setMaxListeners(0);
  events.setMaxListeners(0);
  try {
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady(), worker.waitUntilReady()]);
    return await body({
      async roundTrip(n) {
        const job = await queue.add(name, { iteration: n });
        await job.waitUntilFinished(events, STEP_TIMEOUT_MS);
      },
    });
  } finally {
    await closeInOrder([worker, events, queue]);
  }
}
