import { FlowProducer, QueueEvents, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { STEP_TIMEOUT_MS } from '../scenario.js';
import { closeInOrder } from './bullmq-connection.js';

const OWNER_QUEUE = 'owner';
const VALIDATE_QUEUE = 'validate';
const VALIDATORS = 3;

/** A BullMQ fan-in, one round at a time. */
export interface FanInRounds {
  /** Asks 3 validators and resolves when every verdict is in (for a flow: when the parent has finished). */
  round(n: number): Promise<void>;
}

/**
 * BullMQ's fan-in: a FlowProducer adds a parent job with 3 children; a `validate` worker answers
 * each child with a verdict; once all 3 are done the parent runs on the `owner` worker, reads the
 * children's verdicts and finishes. Both workers run with `concurrency`.
 */
export async function withFlows<T>(connection: ConnectionOptions, prefix: string, concurrency: number, body: (flows: FanInRounds) => Promise<T>): Promise<T> {
  const producer = new FlowProducer({ connection, prefix });
  const events = new QueueEvents(OWNER_QUEUE, { connection, prefix });
  const validators = new Worker(VALIDATE_QUEUE, (job: Job<{ index: number }>) => Promise.resolve({ confidence: 0.9 - job.data.index * 0.05 }), { connection, prefix, concurrency });
  const owner = new Worker(
    OWNER_QUEUE,
    async (job: Job) => {
      const answers = Object.values(await job.getChildrenValues<{ confidence?: number }>());
      if (answers.length !== VALIDATORS || answers.some((a) => typeof a.confidence !== 'number')) throw new Error(`flow ${job.id}: ${answers.length} answers`);
    },
    { connection, prefix, concurrency },
  );
  // Every concurrent waitUntilFinished listens on both (50 at once in the burst row).
  producer.setMaxListeners(0);
  events.setMaxListeners(0);
  try {
    await Promise.all([producer.waitUntilReady(), events.waitUntilReady(), validators.waitUntilReady(), owner.waitUntilReady()]);
    return await body({
      async round(n) {
        const children = Array.from({ length: VALIDATORS }, (_, index) => ({ name: 'validate', queueName: VALIDATE_QUEUE, data: { index, task: `round-${n}` } }));
        const tree = await producer.add({ name: 'round', queueName: OWNER_QUEUE, data: { iteration: n }, children });
        await tree.job.waitUntilFinished(events, STEP_TIMEOUT_MS);
      },
    });
  } finally {
    await closeInOrder([owner, validators, events, producer]);
  }
}
