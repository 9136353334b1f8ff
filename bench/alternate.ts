/**
 * Sequential latency of contenders measured in alternating blocks, so that all see the same
 * machine: other work on the 2 cores comes and goes, and a ratio of figures taken minutes apart
 * would measure that instead.
 */
import type { Counts } from './profile.js';
import { elapsedUs, mark } from './timer.js';

export type Step = (n: number) => Promise<void>;

export interface Sequential {
  samplesUs: number[];
  /** Wall time of the timed operations only (the blocks added up), ms. */
  elapsedMs: number;
  /** CPU time of this process (user + system) during the timed blocks, µs (alternate() records it). */
  cpuUs?: number;
}

/** CPU time of this process per operation, µs. */
export const cpuPerOp = (s: Sequential): number => (s.cpuUs ?? Number.NaN) / s.samplesUs.length;

/** Runs `counts.warmup` untimed steps of each, then `counts.measured` timed steps of each in `blocks` alternating blocks; results in the order given. */
export async function alternate(counts: Counts, blocks: number, ...steps: Step[]): Promise<Sequential[]> {
  const sides = steps.map((step) => ({ step, n: 0, samplesUs: [] as number[], elapsedUs: 0, cpuUs: 0 }));
  for (const side of sides) for (let i = 0; i < counts.warmup; i += 1) await side.step(side.n++);
  for (let block = 0; block < blocks; block += 1) {
    const size = Math.floor(((block + 1) * counts.measured) / blocks) - Math.floor((block * counts.measured) / blocks);
    // The order reverses every block: each side goes first (and last) as often as the others.
    for (const side of block % 2 === 0 ? sides : [...sides].reverse()) {
      const blockStart = mark();
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < size; i += 1) {
        const start = mark();
        await side.step(side.n++);
        side.samplesUs.push(elapsedUs(start));
      }
      const cpu = process.cpuUsage(cpu0);
      side.cpuUs += cpu.user + cpu.system;
      side.elapsedUs += elapsedUs(blockStart);
    }
  }
  return sides.map((side) => ({ samplesUs: side.samplesUs, elapsedMs: side.elapsedUs / 1_000, cpuUs: side.cpuUs }));
}
