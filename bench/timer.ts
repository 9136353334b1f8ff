/** A monotonic start mark (process.hrtime.bigint(), ns). */
export type Mark = bigint;

export function mark(): Mark {
  return process.hrtime.bigint();
}

/** Microseconds since `start` (the difference is taken in bigint, so no precision is lost). */
export function elapsedUs(start: Mark): number {
  return Number(process.hrtime.bigint() - start) / 1_000;
}
