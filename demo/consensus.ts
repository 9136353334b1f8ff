/** The demo's domain logic, kept apart from the coordination: fake validation and the consensus rule. */

/** What the product owner asks each validator to check (the `validate` signal's payload). */
export interface ValidationRequest {
  taskId: string;
  task: string;
  criteria: string[];
}

/** A validator's answer (the `completion` signal's payload). */
export interface ValidationResult {
  confidence: number;
  recommendations: string[];
}

export interface Consensus {
  /** Mean confidence, rounded to 3 decimals. */
  average: number;
  decision: 'PROCEED' | 'DEFER';
  /** Every recommendation once, in order of first mention. */
  recommendations: string[];
  /** How many recommendations the validators gave in all, duplicates included. */
  mentioned: number;
}

/** Loop 2 rule: proceed when the average confidence reaches 0.90, otherwise defer. */
export const CONSENSUS_THRESHOLD = 0.9;

const DEFAULT_CONFIDENCES = [0.95, 0.92, 0.88];

/** Fixed answers, overlapping on purpose so the owner has something to de-duplicate. */
const RECOMMENDATIONS = [
  ['Rate-limit the login endpoint', 'Rotate the JWT signing key every 90 days'],
  ['Rotate the JWT signing key every 90 days', 'Add integration tests for token refresh'],
  ['Add integration tests for token refresh', 'Rate-limit the login endpoint', 'Log failed logins'],
];

/** The validators' confidences: DEMO_CONFIDENCES (e.g. `0.8,0.85,0.9`) or 0.95, 0.92, 0.88. */
export function readConfidences(raw: string | undefined, count: number): number[] {
  if (raw === undefined || raw.trim() === '') return DEFAULT_CONFIDENCES.slice(0, count);
  const values = raw.split(',').map((part) => Number(part.trim()));
  if (values.length !== count || values.some((v) => !Number.isFinite(v) || v < 0 || v > 1)) {
    throw new Error(`DEMO_CONFIDENCES must be ${count} comma-separated numbers between 0 and 1, got ${JSON.stringify(raw)}`);
  }
  return values;
}

/** The "validation" validator `index` performs: deterministic, so every run tells the same story. */
export function fakeValidation(index: number, confidence: number): ValidationResult {
  return { confidence, recommendations: RECOMMENDATIONS[index % RECOMMENDATIONS.length] ?? [] };
}

export function consensus(results: readonly ValidationResult[]): Consensus {
  const sum = results.reduce((total, r) => total + r.confidence, 0);
  const average = Math.round((sum / Math.max(1, results.length)) * 1000) / 1000;
  const all = results.flatMap((r) => r.recommendations);
  return {
    average,
    decision: average >= CONSENSUS_THRESHOLD ? 'PROCEED' : 'DEFER',
    recommendations: [...new Set(all)],
    mentioned: all.length,
  };
}
