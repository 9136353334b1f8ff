/**
 * What a benchmark row reports: figures measured for Rendezvous and, where there is one, for
 * BullMQ in the same run on the same Redis, with an optional target on each figure.
 */

/** A target: on the ratio (Rendezvous ÷ BullMQ) or on our own figure. */
export interface Target {
  on: 'ratio' | 'ours';
  op: '<=' | '>=' | '<';
  limit: number;
  /** How the limit reads in the table, e.g. "<= 0.5× BullMQ". */
  label: string;
}

export interface Figure {
  /** e.g. "p50", "rate". */
  metric: string;
  /** e.g. "µs", "rounds/s", "% of a core". */
  unit: string;
  ours: number;
  /** BullMQ's figure for the same metric, when the row has a BullMQ column. */
  bullmq?: number;
  /** Decimals shown for this figure (default 0). */
  decimals?: number;
  target?: Target;
}

export interface Row {
  /** The row number, e.g. "1" ("1e": the same row on the embedded store). */
  id: string;
  /** Short name used in the JSON file, e.g. "round-trip". */
  key: string;
  title: string;
  figures: Figure[];
  /** Text shown instead of figures for what is not built yet. */
  pending?: string[];
  /** Raw samples (µs or ms, as the figure units say) kept in the JSON file. */
  samples?: { ours?: readonly number[]; bullmq?: readonly number[] };
  /** Details kept in the JSON file (counts, windows, raw totals). */
  details?: Record<string, unknown>;
}

/** Rendezvous ÷ BullMQ, or undefined without a BullMQ figure. */
export function ratioOf(figure: Figure): number | undefined {
  return figure.bullmq === undefined || figure.bullmq === 0 ? undefined : figure.ours / figure.bullmq;
}

/** PASS (true), MISS (false) or no target (undefined). */
export function targetMet(figure: Figure): boolean | undefined {
  const { target } = figure;
  if (!target) return undefined;
  const value = target.on === 'ratio' ? ratioOf(figure) : figure.ours;
  if (value === undefined || !Number.isFinite(value)) return false;
  if (target.op === '<=') return value <= target.limit;
  if (target.op === '>=') return value >= target.limit;
  return value < target.limit;
}

export const ratioAtMost = (limit: number): Target => ({ on: 'ratio', op: '<=', limit, label: `<= ${limit}× BullMQ` });
export const ratioAtLeast = (limit: number): Target => ({ on: 'ratio', op: '>=', limit, label: `>= ${limit}× BullMQ` });
export const atMost = (limit: number, unit: string): Target => ({ on: 'ours', op: '<=', limit, label: `<= ${limit.toLocaleString('en-US')} ${unit}` });
export const atLeast = (limit: number, unit: string): Target => ({ on: 'ours', op: '>=', limit, label: `>= ${limit.toLocaleString('en-US')} ${unit}` });
export const below = (limit: number, unit: string): Target => ({ on: 'ours', op: '<', limit, label: `< ${limit} ${unit}` });
