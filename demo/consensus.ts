/** The demo's domain: the task, and a fake, deterministic validation. The coordination is the library's. */
import type { Verdict } from '../src/index.js';

/** What the implementers hand the validators each iteration (the round's task). */
export interface Implementation {
  taskId: string;
  task: string;
  criteria: string[];
  /** The feedback this version addresses (the previous round's recommendations). */
  addressed: string[];
}

const DEFAULT_CONFIDENCES = [0.95, 0.92, 0.88];
/** How much a validator's confidence rises once the implementers addressed its feedback. */
const RISE_PER_ITERATION = 0.1;

/** Fixed answers, overlapping on purpose so the owner has something to de-duplicate. */
const RECOMMENDATIONS = [
  ['Rate-limit the login endpoint', 'Rotate the JWT signing key every 90 days'],
  ['Rotate the JWT signing key every 90 days', 'Add integration tests for token refresh'],
  ['Add integration tests for token refresh', 'Rate-limit the login endpoint', 'Log failed logins'],
];

/** The validators' first-iteration confidences: DEMO_CONFIDENCES (e.g. `0.8,0.85,0.9`) or 0.95, 0.92, 0.88. */
export function readConfidences(raw: string | undefined, count: number): number[] {
  if (raw === undefined || raw.trim() === '') return DEFAULT_CONFIDENCES.slice(0, count);
  const values = raw.split(',').map((part) => Number(part.trim()));
  if (values.length !== count || values.some((v) => !Number.isFinite(v) || v < 0 || v > 1)) {
    throw new Error(`DEMO_CONFIDENCES must be ${count} comma-separated numbers between 0 and 1, got ${JSON.stringify(raw)}`);
  }
  return values;
}

/**
 * The "validation" validator `index` performs in `iteration`: deterministic, so every run tells
 * the same story. Each iteration after the first addressed its feedback, so confidence rises by 0.1
 * an iteration (at most 1); a validator that is satisfied (0.90 or more) recommends nothing more.
 */
export function fakeValidation(index: number, confidence: number, iteration: number): Verdict {
  const now = Math.round(Math.min(1, confidence + RISE_PER_ITERATION * Math.max(0, iteration - 1)) * 100) / 100;
  return { confidence: now, recommendations: now >= 0.9 && iteration > 1 ? [] : (RECOMMENDATIONS[index % RECOMMENDATIONS.length] ?? []) };
}
