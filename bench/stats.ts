/** Latency statistics over samples in microseconds. */

export interface Summary {
  n: number;
  minUs: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  p999Us: number;
  maxUs: number;
  meanUs: number;
  stddevUs: number;
  /** Operations per second over the timed loop's wall time (sequential, so about 1e6 / mean). */
  ratePerSec: number;
  /** Wall time of the timed loop, ms. */
  elapsedMs: number;
}

/** Nearest-rank percentile of ascending-sorted values: the smallest value with at least p% at or below it. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be in [0, 100], got ${p}`);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export function summarize(samplesUs: readonly number[], elapsedMs: number): Summary {
  const sorted = [...samplesUs].sort((a, b) => a - b);
  const n = sorted.length;
  const mean = n === 0 ? Number.NaN : sorted.reduce((sum, x) => sum + x, 0) / n;
  const variance = n < 2 ? 0 : sorted.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (n - 1);
  return {
    n,
    minUs: sorted[0] ?? Number.NaN,
    p50Us: percentile(sorted, 50),
    p90Us: percentile(sorted, 90),
    p99Us: percentile(sorted, 99),
    p999Us: percentile(sorted, 99.9),
    maxUs: sorted[n - 1] ?? Number.NaN,
    meanUs: mean,
    stddevUs: Math.sqrt(variance),
    ratePerSec: elapsedMs > 0 ? n / (elapsedMs / 1000) : Number.NaN,
    elapsedMs,
  };
}
