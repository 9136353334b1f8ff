// @ts-check
// Signal rate and delivery latency over the last five minutes, from the `signal` events, in
// fixed memory: a count per second, and per ten seconds a bounded sample of latencies.

export const WINDOW_S = 300;
const LATENCY_BUCKET_S = 10;
const SAMPLES_PER_BUCKET = 256;

/**
 * @typedef {object} LatencyBucket
 * @property {number} start second the bucket starts at
 * @property {number} seen latencies offered to it
 * @property {number[]} samples a uniform sample of them (reservoir), at most SAMPLES_PER_BUCKET
 */

/**
 * The p-th percentile (0..1) of sorted values, nearest rank.
 * @param {number[]} sorted
 * @param {number} p
 * @returns {number | null}
 */
export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? null;
}

export class SignalStats {
  /** Signals counted in second `s` are at counts[s % WINDOW_S] while seconds[s % WINDOW_S] === s. */
  #counts = new Uint32Array(WINDOW_S);
  #seconds = new Float64Array(WINDOW_S).fill(-1);
  /** @type {LatencyBucket[]} */
  #latencies = [];

  /**
   * @param {number} nowMs page wall clock
   * @param {unknown} latencyMs
   */
  record(nowMs, latencyMs) {
    const second = Math.floor(nowMs / 1000);
    const slot = second % WINDOW_S;
    if (this.#seconds[slot] !== second) {
      this.#seconds[slot] = second;
      this.#counts[slot] = 0;
    }
    this.#counts[slot] = (this.#counts[slot] ?? 0) + 1;
    if (typeof latencyMs !== 'number' || !Number.isFinite(latencyMs) || latencyMs < 0) return;
    const start = second - (second % LATENCY_BUCKET_S);
    let bucket = this.#latencies.at(-1);
    if (!bucket || bucket.start !== start) {
      bucket = { start, seen: 0, samples: [] };
      this.#latencies.push(bucket);
      const oldest = start - WINDOW_S;
      while (this.#latencies.length > 0 && /** @type {LatencyBucket} */ (this.#latencies[0]).start <= oldest) this.#latencies.shift();
    }
    bucket.seen += 1;
    if (bucket.samples.length < SAMPLES_PER_BUCKET) bucket.samples.push(latencyMs);
    else {
      const at = Math.floor(Math.random() * bucket.seen);
      if (at < SAMPLES_PER_BUCKET) bucket.samples[at] = latencyMs;
    }
  }

  /**
   * Signals per second, oldest first, for the last WINDOW_S seconds before `nowMs`.
   * @param {number} nowMs
   * @returns {number[]}
   */
  rates(nowMs) {
    const now = Math.floor(nowMs / 1000);
    const out = new Array(WINDOW_S);
    for (let i = 0; i < WINDOW_S; i += 1) {
      const second = now - WINDOW_S + 1 + i;
      const slot = ((second % WINDOW_S) + WINDOW_S) % WINDOW_S;
      out[i] = this.#seconds[slot] === second ? (this.#counts[slot] ?? 0) : 0;
    }
    return out;
  }

  /**
   * The p95 latency of each ten-second bucket in the window (null where none), oldest first,
   * and p50/p95 over the whole window.
   * @param {number} nowMs
   * @returns {{ p95s: (number | null)[], p50: number | null, p95: number | null, total: number }}
   */
  latency(nowMs) {
    const now = Math.floor(nowMs / 1000);
    const first = now - (now % LATENCY_BUCKET_S) - WINDOW_S + LATENCY_BUCKET_S;
    const byStart = new Map(this.#latencies.map((b) => [b.start, b]));
    /** @type {(number | null)[]} */
    const p95s = [];
    /** @type {number[]} */
    const all = [];
    let total = 0;
    for (let start = first; start <= now; start += LATENCY_BUCKET_S) {
      const bucket = byStart.get(start);
      if (!bucket) {
        p95s.push(null);
        continue;
      }
      const sorted = [...bucket.samples].sort((a, b) => a - b);
      p95s.push(percentile(sorted, 0.95));
      all.push(...sorted);
      total += bucket.seen;
    }
    all.sort((a, b) => a - b);
    return { p95s, p50: percentile(all, 0.5), p95: percentile(all, 0.95), total };
  }
}
