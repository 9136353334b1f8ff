import { ratioAtLeast, type Figure, type Row, type Target } from '../figures.js';
import { runCount, runWindow, type Timed } from '../load.js';
import { bullmqConnection, bullmqPrefix } from '../peers/bullmq-connection.js';
import { withFlows, type FanInRounds } from '../peers/bullmq-flows.js';
import { withParallelJobs } from '../peers/bullmq-parallel-jobs.js';
import { withJobQueue } from '../peers/bullmq-jobs.js';
import { runFanInBurst } from '../scenarios/fan-in-burst.js';
import { runThroughput } from '../scenarios/throughput.js';
import { summarize, type Summary } from '../stats.js';
import { contextFor, type BenchEnv } from './context.js';

/**
 * Row 3: 50 fan-in rounds in flight, 1,000 in all; versus 1,000 flows, 50 in flight, workers at
 * concurrency 50. Answers in ACKs (row 3) and as completion signals (row 3b, beside the same BullMQ
 * run); for reference, row 3 beside BullMQ without a flow (3 plain jobs per round, row 3c).
 */
export async function burstRows(env: BenchEnv): Promise<Row[]> {
  const counts = env.profile.burst;
  env.log(`  3 fan-in burst: ${counts.inFlight} in flight, ${counts.warmup} warm-up + ${counts.rounds} timed; answers in ACKs, as signals, then BullMQ flows and plain jobs ...`);
  const ours = await runFanInBurst(contextFor(env, 'burst'), counts, 'ack');
  const oursSignals = await runFanInBurst(contextFor(env, 'burst'), counts, 'signal');
  const burstOf = async (peer: FanInRounds): Promise<Timed> => {
    await runCount(counts.inFlight, counts.warmup, (_, n) => peer.round(n));
    return runCount(counts.inFlight, counts.rounds, (_, n) => peer.round(counts.warmup + n));
  };
  const bull = await withFlows(bullmqConnection(env.port), bullmqPrefix('burst'), counts.inFlight, burstOf);
  const jobs = await withParallelJobs(bullmqConnection(env.port), bullmqPrefix('burst-jobs'), counts.inFlight, burstOf);
  const figures = (o: Summary, bullmq: Timed, target?: Target): Figure[] => {
    const b = summarize(bullmq.samplesUs, bullmq.elapsedMs);
    return [
      { metric: 'rate', unit: 'rounds/s', ours: o.ratePerSec, bullmq: b.ratePerSec, ...(target ? { target } : {}) },
      { metric: 'p50', unit: 'µs', ours: o.p50Us, bullmq: b.p50Us },
      { metric: 'p99', unit: 'µs', ours: o.p99Us, bullmq: b.p99Us },
    ];
  };
  const inAcks = summarize(ours.samplesUs, ours.elapsedMs);
  const details = { ...counts, ours: `${counts.inFlight} owner + 3 validator groups, each running rounds back to back`, bullmq: `${counts.inFlight} producers each adding a flow and waiting for it; both Workers at concurrency ${counts.inFlight}` };
  return [
    {
      id: '3',
      key: 'fan-in-burst',
      title: `fan-in burst (${counts.inFlight} in flight, ${counts.rounds.toLocaleString('en-US')} rounds)`,
      figures: figures(inAcks, bull, ratioAtLeast(2)),
      samples: { ours: ours.samplesUs, bullmq: bull.samplesUs },
      details: { ...details, answers: 'in the validators\' ACKs' },
    },
    {
      id: '3b',
      key: 'fan-in-burst-signals',
      title: 'fan-in burst, answers as ACK + completion signal',
      figures: figures(summarize(oursSignals.samplesUs, oursSignals.elapsedMs), bull),
      samples: { ours: oursSignals.samplesUs },
      details: { ...details, answers: 'a completion signal after each ACK, acknowledged by the owner' },
    },
    {
      id: '3c',
      key: 'fan-in-burst-vs-plain-jobs',
      title: 'fan-in burst vs BullMQ without a flow (3 jobs)',
      figures: figures(inAcks, jobs),
      samples: { bullmq: jobs.samplesUs },
      details: { ...details, answers: 'in the validators\' ACKs', bullmq: `${counts.inFlight} producers each adding 3 jobs (addBulk) and waiting on each; Worker concurrency ${counts.inFlight}` },
    },
  ];
}

/** Row 4: 100 sender/receiver pairs, signals with ACKs per second; versus jobs per second, Worker concurrency 50. */
export async function throughputRow(env: BenchEnv): Promise<Row> {
  const counts = env.profile.throughput;
  env.log(`  4 throughput: ${counts.pairs} pairs, ${counts.warmupMs} ms warm-up + ${counts.windowMs} ms window, Rendezvous then BullMQ ...`);
  const ours = await runThroughput(contextFor(env, 'throughput'), counts);
  const bull = await withJobQueue(bullmqConnection(env.port), bullmqPrefix('throughput'), counts.bullmqConcurrency, (queue) =>
    runWindow(counts.pairs, counts.warmupMs, counts.windowMs, (_, n) => queue.roundTrip(n)),
  );
  const rate = (w: { completed: number; windowMs: number }) => w.completed / (w.windowMs / 1_000);
  return {
    id: '4',
    key: 'throughput',
    title: `throughput (${counts.pairs} pairs; BullMQ concurrency ${counts.bullmqConcurrency})`,
    figures: [{ metric: 'rate', unit: 'ACKed signals (jobs)/s', ours: rate(ours), bullmq: rate(bull) }],
    details: { ...counts, ours, bullmq: bull },
  };
}
