import type { MetricSet } from './metric-set.js';
import { secondsOf } from './labels.js';

/** The product-owner events the metrics listen to, by the fields they read (structural: this layer does not import workflows/). */
export interface ObservedWorkflowEvents {
  'round:started': [event: { roundId: string; iteration: number }];
  'round:ended': [result: { roundId: string; iteration: number; decision: string; durationMs: number; missing: readonly { reason: string }[] }];
  'round:failed': [event: { roundId: string; iteration: number }];
  'loop:ended': [result: { endedBy: string }];
}

/** Which round an event is of. */
type RoundRef = ObservedWorkflowEvents['round:started'][0];

/** What observeWorkflow needs of a ProductOwner (one overload per event, so an EventEmitter with a typed event map matches). */
export interface ObservableWorkflow {
  readonly coordinator: { readonly swarmId: string };
  on(event: 'round:started', listener: (...args: ObservedWorkflowEvents['round:started']) => void): unknown;
  on(event: 'round:ended', listener: (...args: ObservedWorkflowEvents['round:ended']) => void): unknown;
  on(event: 'round:failed', listener: (...args: ObservedWorkflowEvents['round:failed']) => void): unknown;
  on(event: 'loop:ended', listener: (...args: ObservedWorkflowEvents['loop:ended']) => void): unknown;
  off(event: 'round:started', listener: (...args: ObservedWorkflowEvents['round:started']) => void): unknown;
  off(event: 'round:ended', listener: (...args: ObservedWorkflowEvents['round:ended']) => void): unknown;
  off(event: 'round:failed', listener: (...args: ObservedWorkflowEvents['round:failed']) => void): unknown;
  off(event: 'loop:ended', listener: (...args: ObservedWorkflowEvents['loop:ended']) => void): unknown;
}

const DECISIONS = new Set(['PROCEED', 'DEFER', 'ESCALATE']);
const MISSING_REASONS = new Set(['no_answer', 'failed', 'invalid_answer', 'not_sent']);
const LOOP_ENDS = new Set(['consensus', 'escalated', 'max_iterations']);
/** A label from a fixed set, or `other`: never an unbounded label. */
const bounded = (allowed: ReadonlySet<string>, value: unknown) => (typeof value === 'string' && allowed.has(value) ? value : 'other');

/** Counts a product owner's rounds (by decision, with their duration and missing validators) and loops. */
export function observeWorkflow(metrics: MetricSet, owner: ObservableWorkflow): () => void {
  const swarm = owner.coordinator.swarmId;
  // Every decision and loop end starts at 0: a counter's first increase() needs a sample before it.
  for (const decision of DECISIONS) metrics.workflowRounds.inc({ swarm, decision }, 0);
  for (const endedBy of LOOP_ENDS) metrics.workflowLoops.inc({ swarm, ended_by: endedBy }, 0);
  const inProgress = metrics.workflowRoundsInProgress.labels({ swarm });
  inProgress.inc(0);
  // The rounds counted as started: one that started before observing began is not taken off.
  const running = new Set<string>();
  const key = (round: RoundRef) => `${round?.roundId}\u0000${round?.iteration}`;
  const started = (round: RoundRef) => {
    if (running.has(key(round))) return;
    running.add(key(round));
    inProgress.inc();
  };
  const over = (round: RoundRef) => {
    if (running.delete(key(round))) inProgress.dec();
  };
  const failed = over;
  const ended: (...args: ObservedWorkflowEvents['round:ended']) => void = (result) => {
    over(result);
    const decision = bounded(DECISIONS, result.decision);
    metrics.workflowRounds.inc({ swarm, decision });
    const seconds = secondsOf(result.durationMs);
    if (seconds !== undefined) metrics.workflowRoundDuration.labels({ swarm, decision }).observe(seconds);
    for (const missing of result.missing ?? []) metrics.workflowMissingValidators.inc({ swarm, reason: bounded(MISSING_REASONS, missing.reason) });
  };
  const loopEnded: (...args: ObservedWorkflowEvents['loop:ended']) => void = (result) => metrics.workflowLoops.inc({ swarm, ended_by: bounded(LOOP_ENDS, result.endedBy) });
  owner.on('round:started', started);
  owner.on('round:ended', ended);
  owner.on('loop:ended', loopEnded);
  owner.on('round:failed', failed);
  return () => {
    inProgress.dec(running.size); // what this owner counted goes with it
    running.clear();
    owner.off('round:failed', failed);
    owner.off('round:started', started);
    owner.off('round:ended', ended);
    owner.off('loop:ended', loopEnded);
  };
}
