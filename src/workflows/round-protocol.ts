/**
 * The consensus round on the wire (docs/workflows.md#the-round-on-the-wire): what the owner sends
 * and what a validator answers, so that a validator in any language (or the shell example) can
 * serve a round the library's owner runs.
 *
 * - Request: a `validate` signal to each validator, `iteration` = the round's iteration,
 *   idempotency key `<roundId>.<iteration>`, payload `{"round": <roundId>, "task": <task>,
 *   "deadline": <store-clock ms>}` (`deadline` optional: when the owner stops waiting).
 * - Answer: the signed ACK of that request, status `validated` with result
 *   `{"confidence": 0..1, "recommendations"?: [string], "details"?: any}`, or status `failed` with
 *   result `{"error": string}`. Answering in the ACK keeps the request in the inbox until the answer
 *   is stored, so a validator that dies while working hands the request to its replacement.
 */
import * as z from 'zod';
import type { Ack } from '../protocol/ack.js';
import { InvalidConfigError, InvalidIdError } from '../protocol/errors.js';
import { assertId, isValidId } from '../protocol/ids.js';

export const REQUEST_TYPE = 'validate';
export const ANSWER_STATUS = { validated: 'validated', failed: 'failed' } as const;

/** A round id leaves room in the 64-character idempotency key for `.<iteration>`. */
export const MAX_ROUND_ID_LENGTH = 48;
/** The longest idempotency key (the id rule's 64 characters). */
const MAX_KEY_LENGTH = 64;
/** Longest error text a `failed` answer carries: an ACK is bounded, and so is a log line. */
export const MAX_ERROR_CHARS = 2_000;

/** The id rule, and at most MAX_ROUND_ID_LENGTH characters. */
export function isRoundId(value: unknown): value is string {
  return isValidId(value) && value.length <= MAX_ROUND_ID_LENGTH;
}

export function assertRoundId(roundId: string): void {
  assertId(roundId, 'round id');
  if (!isRoundId(roundId)) throw new InvalidIdError('round id', roundId, `at most ${MAX_ROUND_ID_LENGTH} characters (it names the round's idempotency keys)`);
}

/** Same key for the same receiver, round and iteration: a restarted owner's send is a duplicate, never a second request. */
export function requestKey(roundId: string, iteration: number): string {
  const key = `${roundId}.${iteration}`;
  if (key.length > MAX_KEY_LENGTH) throw new InvalidConfigError(`round ${roundId} iteration ${iteration} makes an idempotency key over ${MAX_KEY_LENGTH} characters: use a shorter round id or a smaller iteration`, { roundId, iteration });
  return key;
}

export interface RoundRequestPayload<T = unknown> {
  round: string;
  task: T;
  /** Store-clock ms after which the owner no longer waits: a validator answers `failed` (expired) rather than work for nobody. */
  deadline?: number;
}

const requestSchema = z.object({
  round: z.string().refine(isRoundId, 'a round id'),
  task: z.unknown(),
  deadline: z.number().int().nonnegative().optional(),
});

export function parseRequestPayload(payload: unknown): RoundRequestPayload | undefined {
  const parsed = requestSchema.safeParse(payload);
  if (!parsed.success) return undefined;
  const { round, task, deadline } = parsed.data;
  return { round, task, ...(deadline === undefined ? {} : { deadline }) };
}

/** What a validator's handler returns, and what the owner reads back from its ACK. */
export interface Verdict<D = unknown> {
  /** 0 to 1. */
  confidence: number;
  recommendations?: string[];
  /** Anything else the validator reports (findings, scores); carried as is, not checked. */
  details?: D;
}

const verdictSchema = z.object({
  confidence: z.number().min(0).max(1),
  recommendations: z.array(z.string()).optional(),
  details: z.unknown().optional(),
});

const failureSchema = z.object({ error: z.string() });

/** A readable reason a verdict was refused, for logs and the round's `missing` list; undefined when it is one. */
export function verdictProblem(result: unknown): string | undefined {
  const parsed = verdictSchema.safeParse(result);
  if (parsed.success) return undefined;
  return parsed.error.issues.map((issue) => `${issue.path.join('.') || 'result'}: ${issue.message}`).join('; ');
}

/** An error's text, cut to `max` characters (what it was cut from said at the end). */
export function errorText(error: unknown, max = MAX_ERROR_CHARS): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

/** A verified ACK read as an answer: a verdict that counts, or why it does not. */
export type ReadAnswer<D> = { verdict: Required<Pick<Verdict<D>, 'confidence' | 'recommendations'>> & Pick<Verdict<D>, 'details'> } | { reason: 'failed' | 'invalid_answer'; detail: string };

export function readAnswer<D>(ack: Ack): ReadAnswer<D> {
  if (ack.status === ANSWER_STATUS.failed) {
    const failure = failureSchema.safeParse(ack.result);
    // Bounded for the logs and events it reaches; a library validator's text is cut already, with room to spare.
    return { reason: 'failed', detail: failure.success ? errorText(failure.data.error, 2 * MAX_ERROR_CHARS) : 'the validator reported a failure without a reason' };
  }
  if (ack.status !== ANSWER_STATUS.validated) return { reason: 'invalid_answer', detail: `status "${ack.status}" is not a verdict (expected "${ANSWER_STATUS.validated}" with a result)` };
  const parsed = verdictSchema.safeParse(ack.result);
  if (!parsed.success) return { reason: 'invalid_answer', detail: verdictProblem(ack.result) ?? 'not a verdict' };
  const { confidence, recommendations = [], details } = parsed.data;
  return { verdict: { confidence, recommendations, ...(details === undefined ? {} : { details: details as D }) } };
}
