import { ratioAtLeast, type Figure, type Row, type Target } from '../figures.js';
import { runCount, runWindow, type Timed, type Windowed } from '../load.js';
import { withMetricsOn } from '../metrics-on.js';
import { bullmqConnection, bullmqPrefix } from '../peers/bullmq-connection.js';
import { withFlows, type FanInRounds } from '../peers/bullmq-flows.js';
import { withParallelJobs } from '../peers/bullmq-parallel-jobs.js';
import { withJobQueue } from '../peers/bullmq-jobs.js';
import { runFanInBurst, runFanInBursts } from '../scenarios/fan-in-burst.js';
import { runThroughputs } from '../scenarios/throughput.js';
import { summarize } from '../stats.js';
import { contextFor, cpuFigure, type BenchEnv } from './context.js';

/** Metrics off and on take turns in this many bursts (each of counts.rounds) and windows (throughput). */
const BLOCKS = 4;
const WINDOWS = 4;

/**
 * Row 3: 50 fan-in rounds in flight, 1,000 in all; versus 1,000 flows, 50 in flight, workers at
 * concurrency 50. Answers in ACKs (row 3) and as completion signals (row 3b, beside the same BullMQ
 * run); for reference, row 3 beside BullMQ without a flow (3 plain jobs per round, row 3c).
 */
export async function burstRows(env: BenchEnv): Promise<Row[]> {
  const counts = env.profile.burst;
  env.log(`  3 fan-in burst: ${counts.inFlight} in flight, ${counts.warmup} warm-up + ${counts.rounds} timed; answers in ACKs (metrics off and on in ${BLOCKS} alternating bursts each), as signals, then BullMQ flows and plain jobs ...`);
  const context = contextFor(env, 'burst');
  const [ours, oursOn] = (await withMetricsOn(env.url, context, (metrics) => runFanInBursts([context, metrics.context], counts, 'ack', BLOCKS))) as [Timed, Timed];
  const oursSignals = await runFanInBurst(context, counts, 'signal');
  const burstOf = async (peer: FanInRounds): Promise<Timed> => {
    await runCount(counts.inFlight, counts.warmup, (_, n) => peer.round(n));
    return runCount(counts.inFlight, counts.rounds, (_, n) => peer.round(counts.warmup + n));
  };
  const bull = await withFlows(bullmqConnection(env.port), bullmqPrefix('burst'), counts.inFlight, burstOf);
  const jobs = await withParallelJobs(bullmqConnection(env.port), bullmqPrefix('burst-jobs'), counts.inFlight, burstOf);
  const cpuPerRound = (t: Timed) => (t.cpuUs ?? Number.NaN) / t.samplesUs.length;
  const figures = (o: Timed, bullmq: Timed, target?: Target): Figure[] => {
    const s = summarize(o.samplesUs, o.elapsedMs);
    const b = summarize(bullmq.samplesUs, bullmq.elapsedMs);
    return [
      { metric: 'rate', unit: 'rounds/s', ours: s.ratePerSec, bullmq: b.ratePerSec, ...(target ? { target } : {}) },
      { metric: 'p50', unit: 'µs', ours: s.p50Us, bullmq: b.p50Us },
      { metric: 'p99', unit: 'µs', ours: s.p99Us, bullmq: b.p99Us },
      cpuFigure(cpuPerRound(o), cpuPerRound(bullmq), 'round'),
    ];
  };
  const details = { ...counts, ours: `${counts.inFlight} owner + 3 validator groups, each running rounds back to back`, bullmq: `${counts.inFlight} producers each adding a flow and waiting for it; both Workers at concurrency ${counts.inFlight}` };
  const vsJobs = { ...details, answers: 'in the validators\' ACKs', bullmq: `${counts.inFlight} producers each adding 3 jobs (addBulk) and waiting on each; Worker concurrency ${counts.inFlight}` };
  return [
    {
      id: '3',
      key: 'fan-in-burst',
      title: `fan-in burst (${counts.inFlight} in flight, ${counts.rounds.toLocaleString('en-US')} rounds)`,
      figures: figures(ours, bull, ratioAtLeast(2.5)),
      samples: { ours: ours.samplesUs, bullmq: bull.samplesUs },
      details: { ...details, answers: 'in the validators\' ACKs' },
    },
    {
      id: '3+m',
      key: 'fan-in-burst-metrics-on',
      title: 'fan-in burst, metrics on',
      figures: figures(oursOn, bull, ratioAtLeast(2.5)),
      samples: { ours: oursOn.samplesUs },
      details: { ...details, answers: 'in the validators\' ACKs', metrics: 'createMetrics observing a store of its own and the 200 coordinators' },
    },
    {
      id: '3b',
      key: 'fan-in-burst-signals',
      title: 'fan-in burst, answers as ACK + completion signal',
      figures: figures(oursSignals, bull),
      samples: { ours: oursSignals.samplesUs },
      details: { ...details, answers: 'a completion signal after each ACK, acknowledged by the owner' },
    },
    {
      id: '3c',
      key: 'fan-in-burst-vs-plain-jobs',
      title: 'fan-in burst vs BullMQ without a flow (3 jobs)',
      figures: figures(ours, jobs, ratioAtLeast(1.3)),
      samples: { bullmq: jobs.samplesUs },
      details: vsJobs,
    },
    {
      id: '3c+m',
      key: 'fan-in-burst-vs-plain-jobs-metrics-on',
      title: 'fan-in burst vs BullMQ without a flow, metrics on',
      figures: figures(oursOn, jobs, ratioAtLeast(1.3)),
      details: { ...vsJobs, metrics: 'on' },
    },
  ];
}

/** Row 4: 100 sender/receiver pairs, signals with ACKs per second; versus jobs per second, Worker concurrency 50. Metrics off, then on (row 4+m). */
export async function throughputRow(env: BenchEnv): Promise<Row[]> {
  const counts = env.profile.throughput;
  env.log(`  4 throughput: ${counts.pairs} pairs, ${counts.warmupMs} ms warm-up + ${counts.windowMs} ms window, Rendezvous (metrics off and on in ${WINDOWS} alternating windows each) then BullMQ ...`);
  const context = contextFor(env, 'throughput');
  const [ours, oursOn] = (await withMetricsOn(env.url, context, (metrics) => runThroughputs([context, metrics.context], counts, WINDOWS))) as [Windowed, Windowed];
  const bull = await withJobQueue(bullmqConnection(env.port), bullmqPrefix('throughput'), counts.bullmqConcurrency, (queue) =>
    runWindow(counts.pairs, counts.warmupMs, counts.windowMs, (_, n) => queue.roundTrip(n)),
  );
  const rate = (w: Windowed) => w.completed / (w.windowMs / 1_000);
  const cpu = (w: Windowed) => w.cpuUs / w.total;
  const row = (id: string, key: string, title: string, w: Windowed, metrics: string): Row => ({
    id,
    key,
    title,
    figures: [
      { metric: 'rate', unit: 'ACKed signals (jobs)/s', ours: rate(w), bullmq: rate(bull), target: ratioAtLeast(1.5) },
      cpuFigure(cpu(w), cpu(bull), 'round trip'),
    ],
    details: { ...counts, ours: w, bullmq: bull, metrics },
  });
  return [
    row('4', 'throughput', `throughput (${counts.pairs} pairs; BullMQ concurrency ${counts.bullmqConcurrency})`, ours, 'off'),
    row('4+m', 'throughput-metrics-on', 'throughput, metrics on', oursOn, 'on: createMetrics observing a store of its own and the 200 coordinators'),
  ];
}
