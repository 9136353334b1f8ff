import type { MissingValidator, ValidatorAnswer } from './decision.js';
import type { LoopResult } from './consensus-loop.js';
import type { RoundResult } from './round-result.js';

export interface RoundStartedEvent {
  ownerId: string;
  roundId: string;
  iteration: number;
  validators: string[];
  /** Validators asked before (a restarted owner): not asked again, their answers read from the store. */
  resumed: string[];
}

export interface RoundFailedEvent {
  ownerId: string;
  roundId: string;
  iteration: number;
  error: unknown;
}

export interface RoundAnswerEvent {
  ownerId: string;
  roundId: string;
  iteration: number;
  /** The answer that counts, or why this validator's does not. */
  answer?: ValidatorAnswer;
  refused?: MissingValidator;
}

export interface LoopIterationEvent {
  ownerId: string;
  loopId: string;
  iteration: number;
  /** The previous round's recommendations the implement step got (none in the first iteration). */
  feedback: string[];
  /** Whom this iteration asks: the loop's validators, a replaced one's replacement in its place. */
  validators: string[];
}

/** What a ProductOwner emits as its rounds progress (and the metrics count). */
export interface ProductOwnerEvents {
  'round:started': [event: RoundStartedEvent];
  /** One per validator: its answer arrived (or was refused) before the timeout. */
  'round:answer': [event: RoundAnswerEvent];
  'round:ended': [result: RoundResult];
  /** A started round ended without a decision: the coordinator stopped or the store failed. Running it again resumes it. */
  'round:failed': [event: RoundFailedEvent];
  'loop:iteration': [event: LoopIterationEvent];
  'loop:ended': [result: LoopResult];
}

export interface RequestEvent {
  validatorId: string;
  roundId: string;
  iteration: number;
  ownerId: string;
  messageId: string;
}

export interface RequestAnsweredEvent extends RequestEvent {
  status: 'validated' | 'failed';
  confidence?: number;
  error?: string;
  durationMs: number;
}

/** What a ConsensusValidator emits as it serves. */
export interface ConsensusValidatorEvents {
  'request:received': [event: RequestEvent];
  'request:answered': [event: RequestAnsweredEvent];
  /** A `validate` signal that is not a round request: answered `failed` without running the handler. */
  'request:refused': [event: Omit<RequestEvent, 'roundId'> & { detail: string }];
  /** The serving loop ended: stop(), or the coordinator stopped. */
  stopped: [];
}
