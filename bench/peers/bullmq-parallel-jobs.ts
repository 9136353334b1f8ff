import type { ConnectionOptions, Job } from 'bullmq';
import { STEP_TIMEOUT_MS } from '../scenario.js';
import { withWorkedQueue } from './bullmq-jobs.js';
import type { FanInRounds } from './bullmq-flows.js';

const QUEUE = 'validate-jobs';
const VALIDATORS = 3;

/**
 * BullMQ's fan-in without a flow, the shape closest to a Rendezvous owner waiting for answers in
 * ACKs: the producer adds one `validate` job per validator in one `addBulk` and waits on each job's
 * `waitUntilFinished`, which returns the worker's verdict. No parent job: the producer is the
 * barrier. The worker runs with `concurrency`.
 */
export function withParallelJobs<T>(connection: ConnectionOptions, prefix: string, concurrency: number, body: (jobs: FanInRounds) => Promise<T>): Promise<T> {
  const processor = (job: Job<{ index: number }>) => Promise.resolve({ confidence: 0.9 - job.data.index * 0.05 });
  return withWorkedQueue(connection, prefix, QUEUE, { processor, concurrency }, (queue, events) =>
    body({
      async round(n) {
        const jobs = await queue.addBulk(Array.from({ length: VALIDATORS }, (_, index) => ({ name: 'validate', data: { index, task: `round-${n}` } })));
        const verdicts = (await Promise.all(jobs.map((job) => job.waitUntilFinished(events, STEP_TIMEOUT_MS)))) as { confidence?: unknown }[];
        if (verdicts.some((v) => typeof v?.confidence !== 'number')) throw new Error(`round ${n}: ${JSON.stringify(verdicts)}`);
      },
    }),
  );
}
