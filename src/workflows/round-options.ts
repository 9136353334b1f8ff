/** The owner's round options: defaults as the seeds (threshold 0.90), each checked before anything is sent. */
import { InvalidConfigError } from '../protocol/errors.js';
import { MAX_TIMEOUT_MS } from '../protocol/options.js';
import { assertId, assertIds } from '../protocol/ids.js';
import { meanConfidence, type ConsensusFunction, type MissingPolicy } from './decision.js';
import { assertRoundId, requestKey } from './round-protocol.js';

export interface RoundOptions {
  /** PROCEED at or above it, DEFER below. Default 0.90. */
  threshold?: number;
  /** Default: the mean confidence, rounded to 3 decimals. */
  consensus?: ConsensusFunction;
  /** How long the round waits for every answer. Default: the coordinator's blockingTimeoutMs (30 min). */
  timeoutMs?: number;
  /** What validators still missing at the timeout mean. Default `'escalate'`. */
  onMissing?: MissingPolicy;
}

export interface RoundRequest<T = unknown> extends RoundOptions {
  /** Names the round; with `iteration`, names its requests (id rule, at most 48 characters). The same id and iteration after a restart resume the round. */
  roundId: string;
  /** Default 1. */
  iteration?: number;
  /** The validators' coordinator ids: each is asked once. */
  validators: readonly string[];
  /** What each validator validates (any JSON value): the payload's `task`. */
  task: T;
  /** The validators' swarm, when it is not the owner's. */
  swarmId?: string;
  /**
   * Ends the round with AbortedError: no decision, no more sends or waiting. Requests already sent
   * stay in the validators' inboxes; running the same round again resumes it.
   */
  signal?: AbortSignal;
}

export interface ResolvedRound<T> {
  roundId: string;
  iteration: number;
  /** Every request's idempotency key (`<roundId>.<iteration>`). */
  idempotencyKey: string;
  validators: string[];
  task: T;
  swarmId: string | undefined;
  signal: AbortSignal | undefined;
  threshold: number;
  consensus: ConsensusFunction;
  timeoutMs: number;
  onMissing: MissingPolicy;
}

export const DEFAULT_THRESHOLD = 0.9;

export function resolveRound<T>(request: RoundRequest<T>, defaults: RoundOptions, blockingTimeoutMs: number): ResolvedRound<T> {
  // A request's option left undefined keeps the owner's default.
  const merged: RoundOptions = {
    threshold: request.threshold ?? defaults.threshold,
    consensus: request.consensus ?? defaults.consensus,
    timeoutMs: request.timeoutMs ?? defaults.timeoutMs,
    onMissing: request.onMissing ?? defaults.onMissing,
  };
  assertRoundId(request.roundId);
  const iteration = request.iteration ?? 1;
  if (!Number.isSafeInteger(iteration) || iteration < 0) throw new InvalidConfigError(`iteration must be a non-negative integer, got ${String(iteration)}`, { iteration });
  const idempotencyKey = requestKey(request.roundId, iteration); // checked before anything is sent
  assertIds(request.validators, 'coordinator id');
  if (request.validators.length === 0) throw new InvalidConfigError('a round needs at least one validator');
  if (new Set(request.validators).size !== request.validators.length) throw new InvalidConfigError('a validator is listed twice', { validators: request.validators });
  if (request.swarmId !== undefined) assertId(request.swarmId, 'swarm id');
  checkRoundOptions(merged, request.validators.length);
  return {
    roundId: request.roundId,
    iteration,
    idempotencyKey,
    validators: [...request.validators],
    task: request.task,
    swarmId: request.swarmId,
    signal: request.signal,
    threshold: merged.threshold ?? DEFAULT_THRESHOLD,
    consensus: merged.consensus ?? meanConfidence,
    timeoutMs: merged.timeoutMs ?? blockingTimeoutMs,
    onMissing: merged.onMissing ?? 'escalate',
  };
}

/**
 * Checks the round options that are set: at construction (a ProductOwner's defaults, the
 * validators not known yet) and for each round (its quorum against its validators).
 */
export function checkRoundOptions(options: RoundOptions, validators = Number.MAX_SAFE_INTEGER): void {
  const { threshold, timeoutMs, consensus, onMissing } = options;
  if (threshold !== undefined && (typeof threshold !== 'number' || !Number.isFinite(threshold))) {
    throw new InvalidConfigError(`threshold must be a finite number, got ${String(threshold)}`, { threshold });
  }
  if (timeoutMs !== undefined && (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0 || timeoutMs > MAX_TIMEOUT_MS)) {
    throw new InvalidConfigError(`timeoutMs must be a positive integer of at most ${MAX_TIMEOUT_MS}, got ${String(timeoutMs)}`, { timeoutMs });
  }
  if (consensus !== undefined && typeof consensus !== 'function') throw new InvalidConfigError('consensus must be a function of the answers');
  if (onMissing === undefined || onMissing === 'escalate') return;
  const quorum = typeof onMissing === 'object' && onMissing !== null ? onMissing.quorum : undefined;
  if (!Number.isSafeInteger(quorum) || (quorum as number) < 1 || (quorum as number) > validators) {
    throw new InvalidConfigError(`onMissing must be 'escalate' or { quorum: n } with 1 <= n <= the number of validators, got ${JSON.stringify(onMissing)}`, { onMissing });
  }
}
