import { createStore } from '../../src/index.js';
import { ratioAtMost, type Row } from '../figures.js';
import { alternate, type Sequential } from '../alternate.js';
import { bullmqConnection, bullmqPrefix } from '../peers/bullmq-connection.js';
import { withFlows } from '../peers/bullmq-flows.js';
import { withJobQueue } from '../peers/bullmq-jobs.js';
import { withParallelJobs } from '../peers/bullmq-parallel-jobs.js';
import type { Counts } from '../profile.js';
import type { Scenario } from '../scenario.js';
import { fanInScenario, withFanIn } from '../scenarios/fan-in.js';
import { roundTripScenario, withRoundTrips } from '../scenarios/round-trip.js';
import { summarize } from '../stats.js';
import { contextFor, latencyFigures, type BenchEnv } from './context.js';

/** Timed blocks per contender: Rendezvous and BullMQ take turns, each block run by both. */
const BLOCKS = 10;

/**
 * Row 1a: the round trip with nothing else in the process (no BullMQ queue or worker alive), as
 * the core issue's benchmark measured it; target p50 <= 400 µs.
 */
export async function roundTripAloneRow(env: BenchEnv): Promise<Row> {
  const counts = env.profile.roundTrip;
  env.log(`  1a round trip alone: ${counts.warmup} warm-up + ${counts.measured} timed ...`);
  const result = await roundTripScenario.run({ ...contextFor(env, 'round-trip-alone'), counts });
  return {
    id: '1a',
    key: 'round-trip-alone',
    title: 'round trip, sequential, alone',
    figures: latencyFigures(summarize(result.samplesUs, result.elapsedMs), undefined, { on: 'ours', op: '<=', limit: 400, label: '<= 400 µs' }),
    samples: { ours: result.samplesUs },
    details: { ...counts },
  };
}

/** Row 1: send → wake → ACK → sender sees the ACK; versus queue.add + job.waitUntilFinished. */
export async function roundTripRow(env: BenchEnv): Promise<Row> {
  const counts = env.profile.roundTrip;
  env.log(`  1 round trip: ${counts.warmup} warm-up + ${counts.measured} timed each, Rendezvous and BullMQ in ${BLOCKS} alternating blocks ...`);
  const [ours, bull] = (await withRoundTrips(contextFor(env, 'round-trip'), (roundTrip) =>
    withJobQueue(bullmqConnection(env.port), bullmqPrefix('round-trip'), 1, (queue) => alternate(counts, BLOCKS, roundTrip, (n) => queue.roundTrip(n))),
  )) as [Sequential, Sequential];
  return {
    id: '1',
    key: 'round-trip',
    title: 'round trip, sequential',
    figures: latencyFigures(summarize(ours.samplesUs, ours.elapsedMs), summarize(bull.samplesUs, bull.elapsedMs), ratioAtMost(0.5)),
    samples: { ours: ours.samplesUs, bullmq: bull.samplesUs },
    details: { ...counts, blocks: BLOCKS, bullmq: 'queue.add + job.waitUntilFinished(queueEvents); Worker concurrency 1, returns at once' },
  };
}

/**
 * Row 2: an owner waits for 3 validators' answers; versus a flow with a parent and 3 children.
 * Answers in the validators' ACKs (row 2), as completion signals (row 2b), BullMQ's flow and, for
 * reference, BullMQ without a flow (3 jobs the producer waits on, row 2c) run in the same
 * alternating blocks; 2b carries the flow's figures.
 */
export async function fanInRows(env: BenchEnv): Promise<Row[]> {
  const counts = env.profile.fanIn;
  env.log(`  2 fan-in: ${counts.warmup} warm-up + ${counts.measured} timed each; answers in ACKs, as signals, BullMQ flows and plain jobs in ${BLOCKS} alternating blocks ...`);
  const connection = bullmqConnection(env.port);
  const [inAcks, asSignals, flow, jobs] = (await withFanIn(contextFor(env, 'fan-in'), 'ack', (ackRound) =>
    withFanIn(contextFor(env, 'fan-in'), 'signal', (signalRound) =>
      withFlows(connection, bullmqPrefix('fan-in'), 3, (flows) =>
        withParallelJobs(connection, bullmqPrefix('fan-in-jobs'), 3, (plain) =>
          alternate(counts, BLOCKS, ackRound, signalRound, (n) => flows.round(n), (n) => plain.round(n)),
        ),
      ),
    ),
  )) as [Sequential, Sequential, Sequential, Sequential];
  const ours = summarize(inAcks.samplesUs, inAcks.elapsedMs);
  const flowSummary = summarize(flow.samplesUs, flow.elapsedMs);
  const details = { ...counts, blocks: BLOCKS, bullmq: 'FlowProducer.add(parent + 3 children) + parent.waitUntilFinished; validate Worker concurrency 3, parent reads getChildrenValues' };
  const inAcksDetail = 'validators answer in their ACK: acknowledge(signal, { result }); the owner waitForAcks';
  return [
    {
      id: '2',
      key: 'fan-in',
      title: 'fan-in (owner + 3 validators), sequential',
      figures: latencyFigures(ours, flowSummary, ratioAtMost(0.5), 'rounds/s'),
      samples: { ours: inAcks.samplesUs, bullmq: flow.samplesUs },
      details: { ...details, ours: inAcksDetail },
    },
    {
      id: '2b',
      key: 'fan-in-signals',
      title: 'fan-in, answers as ACK + completion signal',
      figures: latencyFigures(summarize(asSignals.samplesUs, asSignals.elapsedMs), flowSummary, undefined, 'rounds/s'),
      samples: { ours: asSignals.samplesUs },
      details: { ...details, ours: 'validators ACK, then send a completion signal; the owner waitForSignals and acknowledges each' },
    },
    {
      id: '2c',
      key: 'fan-in-vs-plain-jobs',
      title: 'fan-in vs BullMQ without a flow (3 jobs)',
      figures: latencyFigures(ours, summarize(jobs.samplesUs, jobs.elapsedMs), undefined, 'rounds/s'),
      samples: { bullmq: jobs.samplesUs },
      details: { ...counts, blocks: BLOCKS, ours: inAcksDetail, bullmq: 'queue.addBulk(3 jobs) + each job.waitUntilFinished (its return value is the verdict); Worker concurrency 3' },
    },
  ];
}

/** Rows 1 and 2 on the embedded (in-process) store, for reference: no BullMQ column. */
export async function embeddedRows(env: BenchEnv): Promise<Row[]> {
  const store = await createStore({ kind: 'memory' });
  try {
    const run = async (scenario: Scenario, counts: Counts) => {
      env.log(`  ${scenario.id} on the embedded store: ${counts.warmup} warm-up + ${counts.measured} timed ...`);
      const result = await scenario.run({ store, swarmId: `bench-${process.pid}-${scenario.id}-memory`, secret: env.secret, counts });
      return { summary: summarize(result.samplesUs, result.elapsedMs), samplesUs: result.samplesUs };
    };
    const trip = await run(roundTripScenario, env.profile.roundTrip);
    const fan = await run(fanInScenario, env.profile.fanIn);
    return [
      { id: '1e', key: 'round-trip-embedded', title: 'round trip, embedded store', figures: latencyFigures(trip.summary, undefined), samples: { ours: trip.samplesUs } },
      { id: '2e', key: 'fan-in-embedded', title: 'fan-in, embedded store', figures: latencyFigures(fan.summary, undefined, undefined, 'rounds/s'), samples: { ours: fan.samplesUs } },
    ];
  } finally {
    await store.close();
  }
}
