/**
 * The consensus round on the wire (docs/workflows.md#the-round-on-the-wire): what the owner sends
 * and what a validator answers, so that a validator in any language (or the shell example) can
 * serve a round the library's owner runs.
 *
 * - Request: a `validate` signal to each validator, `iteration` = the round's iteration,
 *   idempotency key `<roundId>.<iteration>`, payload `{"round": <roundId>, "task": <task>}`.
 * - Answer: the signed ACK of that request, status `validated` with result
 *   `{"confidence": 0..1, "recommendations"?: [string], "details"?: any}`, or status `failed` with
 *   result `{"error": string}`. Answering in the ACK keeps the request in the inbox until the answer
 *   is stored, so a validator that dies while working hands the request to its replacement.
 */
import { z } from 'zod';
import { assertId } from '../protocol/ids.js';
import { InvalidIdError } from '../protocol/errors.js';

export const REQUEST_TYPE = 'validate';
export const ANSWER_STATUS = { validated: 'validated', failed: 'failed' } as const;

/** A round id leaves room in the 64-character idempotency key for `.<iteration>`. */
export const MAX_ROUND_ID_LENGTH = 48;

export function assertRoundId(roundId: string): void {
  assertId(roundId, 'round id');
  if (roundId.length > MAX_ROUND_ID_LENGTH) throw new InvalidIdError('round id', roundId, `at most ${MAX_ROUND_ID_LENGTH} characters (it names the round's idempotency keys)`);
}

/** Same key for the same receiver, round and iteration: a restarted owner's send is a duplicate, never a second request. */
export function requestKey(roundId: string, iteration: number): string {
  return `${roundId}.${iteration}`;
}

export interface RoundRequestPayload<T = unknown> {
  round: string;
  task: T;
}

const requestSchema = z.object({ round: z.string().min(1), task: z.unknown() });

export function parseRequestPayload(payload: unknown): RoundRequestPayload | undefined {
  const parsed = requestSchema.safeParse(payload);
  return parsed.success ? { round: parsed.data.round, task: parsed.data.task } : undefined;
}

/** What a validator's handler returns, and what the owner reads back from its ACK. */
export interface Verdict<D = unknown> {
  /** 0 to 1. */
  confidence: number;
  recommendations?: string[];
  /** Anything else the validator reports (findings, scores); carried as is. */
  details?: D;
}

export const verdictSchema = z.object({
  confidence: z.number().min(0).max(1),
  recommendations: z.array(z.string()).optional(),
  details: z.unknown().optional(),
});

const failureSchema = z.object({ error: z.string() });

export function parseFailure(result: unknown): string {
  const parsed = failureSchema.safeParse(result);
  return parsed.success ? parsed.data.error : 'the validator reported a failure without a reason';
}

/** A readable reason a verdict was refused, for logs and the round's `missing` list. */
export function verdictProblem(result: unknown): string | undefined {
  const parsed = verdictSchema.safeParse(result);
  if (parsed.success) return undefined;
  return parsed.error.issues.map((issue) => `${issue.path.join('.') || 'result'}: ${issue.message}`).join('; ');
}
