import { alternate, cpuPerOp, type Sequential } from '../alternate.js';
import type { Row, Target } from '../figures.js';
import { withFanIn } from '../scenarios/fan-in.js';
import { withWorkflowRounds } from '../scenarios/workflow-round.js';
import { summarize } from '../stats.js';
import { contextFor, cpuFigure, latencyFigures, type BenchEnv } from './context.js';

const BLOCKS = 10;
/** What the workflow API may cost over the same round written by hand: idempotency keys, checks of each verdict, events. */
const OVERHEAD: Target = { on: 'ratio', op: '<=', limit: 1.25, label: '<= 1.25× hand-written' };

/**
 * Row 15: one consensus round (ProductOwner.runRound, ConsensusValidator answering in its ACK)
 * with 3 and with 10 validators, beside the same fan-in written by hand from the primitives (row
 * 2's: sendSignal to each, waitForAcks on each). The peer column holds the hand-written round.
 */
export async function workflowRows(env: BenchEnv): Promise<Row[]> {
  const counts = env.profile.fanIn;
  const rows: Row[] = [];
  for (const [id, validators] of [
    ['15a', 3],
    ['15b', 10],
  ] as const) {
    env.log(`  ${id} consensus round, ${validators} validators: ${counts.warmup} warm-up + ${counts.measured} timed each, the API and the hand-written fan-in in ${BLOCKS} alternating blocks ...`);
    const [api, byHand] = (await withWorkflowRounds(contextFor(env, `workflow-${validators}`), validators, (round) =>
      withFanIn(contextFor(env, `workflow-hand-${validators}`), 'ack', (handRound) => alternate(counts, BLOCKS, round, handRound), validators),
    )) as [Sequential, Sequential];
    rows.push({
      id,
      key: `workflow-round-${validators}`,
      title: `consensus round, ${validators} validators (peer column: the same fan-in by hand)`,
      figures: [...latencyFigures(summarize(api.samplesUs, api.elapsedMs), summarize(byHand.samplesUs, byHand.elapsedMs), OVERHEAD), cpuFigure(cpuPerOp(api), cpuPerOp(byHand), 'round')],
      samples: { ours: api.samplesUs, bullmq: byHand.samplesUs },
      details: { ...counts, blocks: BLOCKS, validators, peer: 'hand-written: sendSignal to each validator, waitForAcks on each message (row 2)' },
    });
  }
  return rows;
}
