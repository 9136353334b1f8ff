import { Queue, QueueEvents, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { STEP_TIMEOUT_MS } from '../scenario.js';
import { closeInOrder } from './bullmq-connection.js';
import type { FanInRounds } from './bullmq-flows.js';

const QUEUE = 'validate-jobs';
const VALIDATORS = 3;

/**
 * BullMQ's fan-in without a flow, the shape closest to a Rendezvous owner waiting for answers in
 * ACKs: the producer adds one `validate` job per validator in one `addBulk` and waits on each job's
 * `waitUntilFinished`, which returns the worker's verdict. No parent job: the producer is the
 * barrier. The worker runs with `concurrency`.
 */
export async function withParallelJobs<T>(connection: ConnectionOptions, prefix: string, concurrency: number, body: (jobs: FanInRounds) => Promise<T>): Promise<T> {
  const queue = new Queue(QUEUE, { connection, prefix });
  const events = new QueueEvents(QUEUE, { connection, prefix });
  const worker = new Worker(QUEUE, (job: Job<{ index: number }>) => Promise.resolve({ confidence: 0.9 - job.data.index * 0.05 }), { connection, prefix, concurrency });
  // Every concurrent waitUntilFinished listens on both (150 at once in the burst row).
  queue.setMaxListeners(0);
  events.setMaxListeners(0);
  try {
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady(), worker.waitUntilReady()]);
    return await body({
      async round(n) {
        const jobs = await queue.addBulk(Array.from({ length: VALIDATORS }, (_, index) => ({ name: 'validate', data: { index, task: `round-${n}` } })));
        const verdicts = (await Promise.all(jobs.map((job) => job.waitUntilFinished(events, STEP_TIMEOUT_MS)))) as { confidence?: unknown }[];
        if (verdicts.some((v) => typeof v?.confidence !== 'number')) throw new Error(`round ${n}: ${JSON.stringify(verdicts)}`);
      },
    });
  } finally {
    await closeInOrder([worker, events, queue]);
  }
}
