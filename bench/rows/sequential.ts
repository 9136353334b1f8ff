import { createStore } from '../../src/index.js';
import { atMost, ratioAtMost, type Row } from '../figures.js';
import { alternate, cpuPerOp, type Sequential } from '../alternate.js';
import { withFloor } from '../floor.js';
import { withMetricsOn } from '../metrics-on.js';
import { bullmqConnection, bullmqPrefix } from '../peers/bullmq-connection.js';
import { withFlows } from '../peers/bullmq-flows.js';
import { withJobQueue } from '../peers/bullmq-jobs.js';
import { withParallelJobs } from '../peers/bullmq-parallel-jobs.js';
import type { Counts } from '../profile.js';
import type { Scenario } from '../scenario.js';
import { fanInScenario, withFanIn } from '../scenarios/fan-in.js';
import { roundTripScenario, withRoundTrips } from '../scenarios/round-trip.js';
import { summarize } from '../stats.js';
import { contextFor, cpuFigure, FLOOR_P50_TARGET, floorFigures, latencyFigures, P99_TARGET, type BenchEnv } from './context.js';

/** Timed blocks per contender: Rendezvous and BullMQ take turns, each block run by both. */
const BLOCKS = 10;

/**
 * Row 0, the physical floor, and row 1a, the round trip with nothing else in the process (no
 * BullMQ queue or worker alive), as the core issue's benchmark measured it (target p50 <= 400 µs),
 * with metrics off and (row 1a+m) on. The four take turns in alternating blocks: the raw push
 * round trip (bench/floor.ts) in its two shapes, and Rendezvous' with metrics off and on, each on a
 * store of its own. The floor (the faster shape's) is kept in `env.floor` for the later rows.
 * Issue 16's targets: p50 <= 1.5× the floor, p99 <= 1 ms, with metrics off and on.
 */
export async function floorAndRoundTripRows(env: BenchEnv): Promise<Row[]> {
  const counts = env.profile.roundTrip;
  env.log(`  0, 1a floor and round trip alone: ${counts.warmup} warm-up + ${counts.measured} timed each; raw (two shapes), metrics off and on in ${BLOCKS} alternating blocks ...`);
  const context = contextFor(env, 'round-trip-alone');
  const [off, on, plain, pingFirst, withCodec, scrape] = await withMetricsOn(env.url, context, (metrics) =>
    withRoundTrips(context, (offStep) =>
      withRoundTrips(metrics.context, (onStep) =>
        withFloor(env.url, async (floor) => {
          const sides = (await alternate(counts, BLOCKS, offStep, onStep, floor.plain, floor.pingFirst, floor.withCodec)) as [Sequential, Sequential, Sequential, Sequential, Sequential];
          return [...sides, (await metrics.scrape()).length] as const;
        }),
      ),
    ),
  );
  const rawPlain = summarize(plain.samplesUs, plain.elapsedMs);
  const rawPing = summarize(pingFirst.samplesUs, pingFirst.elapsedMs);
  const rawCodec = summarize(withCodec.samplesUs, withCodec.elapsedMs);
  env.floor = rawPing.p50Us < rawPlain.p50Us ? rawPing : rawPlain;
  const row = (id: string, key: string, title: string, side: Sequential, details: Record<string, unknown>): Row => {
    const summary = summarize(side.samplesUs, side.elapsedMs);
    return {
      id,
      key,
      title,
      figures: [
        ...latencyFigures(summary, undefined, id === '1a' ? atMost(400, 'µs') : undefined, '/s', P99_TARGET),
        ...floorFigures(env, summary, FLOOR_P50_TARGET),
        cpuFigure(cpuPerOp(side), undefined, 'round trip'),
      ],
      samples: { ours: side.samplesUs },
      details: { ...counts, blocks: BLOCKS, floorP50Us: env.floor!.p50Us, cpuUsPerOp: cpuPerOp(side), ...details },
    };
  };
  return [
    {
      id: '0',
      key: 'floor',
      title: 'floor: raw push round trip (no library code)',
      figures: [
        { metric: 'p50', unit: 'µs', ours: rawPlain.p50Us },
        { metric: 'p99', unit: 'µs', ours: rawPlain.p99Us },
        { metric: 'p50, PING first', unit: 'µs', ours: rawPing.p50Us },
        { metric: 'p99, PING first', unit: 'µs', ours: rawPing.p99Us },
        cpuFigure(cpuPerOp(plain), undefined, 'round trip'),
        // What signing and checking the two messages adds, with no other library code: part of any 1.5× the floor.
        { metric: 'p50, messages signed and checked', unit: 'µs', ours: rawCodec.p50Us },
        { metric: 'p50 ÷ floor, messages signed and checked', unit: '×', ours: rawCodec.p50Us / env.floor.p50Us, decimals: 2 },
        cpuFigure(cpuPerOp(withCodec), undefined, 'round trip, messages signed and checked'),
      ],
      samples: { ours: plain.samplesUs },
      details: { ...counts, blocks: BLOCKS, floor: env.floor === rawPing ? 'PING first' : 'plain', pingFirstCpuUsPerOp: cpuPerOp(pingFirst), withCodecCpuUsPerOp: cpuPerOp(withCodec), shape: 'EVALSHA (XADD + PUBLISH) -> subscriber -> EVALSHA (XADD + PUBLISH) -> subscriber; ioredis, 4 connections' },
    },
    row('1a', 'round-trip-alone', 'round trip, sequential, alone', off, { metrics: 'off' }),
    row('1a+m', 'round-trip-alone-metrics-on', 'round trip, sequential, alone, metrics on', on, { metrics: 'on: createMetrics observing the store and both coordinators', scrapeBytes: scrape }),
  ];
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
    figures: [
      ...latencyFigures(summarize(ours.samplesUs, ours.elapsedMs), summarize(bull.samplesUs, bull.elapsedMs), ratioAtMost(0.5)),
      ...floorFigures(env, summarize(ours.samplesUs, ours.elapsedMs)),
      cpuFigure(cpuPerOp(ours), cpuPerOp(bull), 'round trip'),
    ],
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
  env.log(`  2 fan-in: ${counts.warmup} warm-up + ${counts.measured} timed each; answers in ACKs (metrics off and on), as signals, BullMQ flows and plain jobs in ${BLOCKS} alternating blocks ...`);
  const connection = bullmqConnection(env.port);
  const context = contextFor(env, 'fan-in');
  const [inAcks, asSignals, flow, jobs, inAcksOn] = (await withMetricsOn(env.url, context, (metrics) =>
    withFanIn(context, 'ack', (ackRound) =>
      withFanIn(metrics.context, 'ack', (ackRoundOn) =>
        withFanIn(context, 'signal', (signalRound) =>
          withFlows(connection, bullmqPrefix('fan-in'), 3, (flows) =>
            withParallelJobs(connection, bullmqPrefix('fan-in-jobs'), 3, (plain) =>
              alternate(counts, BLOCKS, ackRound, signalRound, (n) => flows.round(n), (n) => plain.round(n), ackRoundOn),
            ),
          ),
        ),
      ),
    ),
  )) as [Sequential, Sequential, Sequential, Sequential, Sequential];
  const ours = summarize(inAcks.samplesUs, inAcks.elapsedMs);
  const oursOn = summarize(inAcksOn.samplesUs, inAcksOn.elapsedMs);
  const flowSummary = summarize(flow.samplesUs, flow.elapsedMs);
  const details = { ...counts, blocks: BLOCKS, bullmq: 'FlowProducer.add(parent + 3 children) + parent.waitUntilFinished; validate Worker concurrency 3, parent reads getChildrenValues' };
  const inAcksDetail = 'validators answer in their ACK: acknowledge(signal, { result }); the owner waitForAcks';
  return [
    {
      id: '2',
      key: 'fan-in',
      title: 'fan-in (owner + 3 validators), sequential',
      figures: [...latencyFigures(ours, flowSummary, ratioAtMost(0.35), 'rounds/s'), ...floorFigures(env, ours), cpuFigure(cpuPerOp(inAcks), cpuPerOp(flow), 'round')],
      samples: { ours: inAcks.samplesUs, bullmq: flow.samplesUs },
      details: { ...details, ours: inAcksDetail },
    },
    {
      id: '2+m',
      key: 'fan-in-metrics-on',
      title: 'fan-in, sequential, metrics on',
      figures: [...latencyFigures(oursOn, flowSummary, ratioAtMost(0.35), 'rounds/s'), ...floorFigures(env, oursOn), cpuFigure(cpuPerOp(inAcksOn), cpuPerOp(flow), 'round')],
      samples: { ours: inAcksOn.samplesUs },
      details: { ...details, ours: `${inAcksDetail}; createMetrics observing the store and the 4 coordinators` },
    },
    {
      id: '2b',
      key: 'fan-in-signals',
      title: 'fan-in, answers as ACK + completion signal',
      figures: [...latencyFigures(summarize(asSignals.samplesUs, asSignals.elapsedMs), flowSummary, undefined, 'rounds/s'), cpuFigure(cpuPerOp(asSignals), cpuPerOp(flow), 'round')],
      samples: { ours: asSignals.samplesUs },
      details: { ...details, ours: 'validators ACK, then send a completion signal; the owner waitForSignals and acknowledges each' },
    },
    {
      id: '2c',
      key: 'fan-in-vs-plain-jobs',
      title: 'fan-in vs BullMQ without a flow (3 jobs)',
      figures: [...latencyFigures(ours, summarize(jobs.samplesUs, jobs.elapsedMs), undefined, 'rounds/s'), cpuFigure(cpuPerOp(inAcks), cpuPerOp(jobs), 'round')],
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
      { id: '1e', key: 'round-trip-embedded', title: 'round trip, embedded store', figures: [...latencyFigures(trip.summary, undefined), ...floorFigures(env, trip.summary)], samples: { ours: trip.samplesUs } },
      { id: '2e', key: 'fan-in-embedded', title: 'fan-in, embedded store', figures: latencyFigures(fan.summary, undefined, undefined, 'rounds/s'), samples: { ours: fan.samplesUs } },
    ];
  } finally {
    await store.close();
  }
}
