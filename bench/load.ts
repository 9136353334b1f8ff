/**
 * Closed-loop load drivers shared by Rendezvous and BullMQ: `loops` workers, each starting its
 * next operation as soon as its last one finished, so exactly `loops` operations are in flight.
 */
import { elapsedUs, mark } from './timer.js';

/** An operation of loop `loop`, numbered `n` across all loops (unique, from 0). */
export type Operation = (loop: number, n: number) => Promise<void>;

export interface Timed {
  /** Latency of each operation, µs, in completion order. */
  samplesUs: number[];
  /** Wall time from the first start to the last completion, ms. */
  elapsedMs: number;
  /** CPU time of this process (user + system) over that wall time, µs. */
  cpuUs?: number;
}

/** Runs `total` operations with `loops` in flight; returns each one's latency and the wall time. */
export async function runCount(loops: number, total: number, op: Operation): Promise<Timed> {
  const samplesUs: number[] = [];
  let next = 0;
  const start = mark();
  const cpu0 = process.cpuUsage();
  await Promise.all(
    Array.from({ length: loops }, async (_, loop) => {
      for (let n = next++; n < total; n = next++) {
        const began = mark();
        await op(loop, n);
        samplesUs.push(elapsedUs(began));
      }
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  return { samplesUs, elapsedMs: elapsedUs(start) / 1_000, cpuUs: cpu.user + cpu.system };
}

export interface Windowed {
  /** Operations that completed inside the measured window. */
  completed: number;
  windowMs: number;
  /** Operations completed in all, warm-up and tail included. */
  total: number;
  /** CPU time of this process (user + system) over the whole run, warm-up and tail included, µs. */
  cpuUs: number;
}

/**
 * Runs operations with `loops` in flight for warmupMs + windowMs and counts those that complete
 * inside the window (after the warm-up). Loops stop starting operations at the window's end.
 */
export async function runWindow(loops: number, warmupMs: number, windowMs: number, op: Operation): Promise<Windowed> {
  const start = performance.now();
  const from = start + warmupMs;
  const to = from + windowMs;
  let completed = 0;
  let total = 0;
  let n = 0;
  const cpu0 = process.cpuUsage();
  await Promise.all(
    Array.from({ length: loops }, async (_, loop) => {
      while (performance.now() < to) {
        await op(loop, n++);
        const done = performance.now();
        total += 1;
        if (done >= from && done < to) completed += 1;
      }
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  return { completed, windowMs, total, cpuUs: cpu.user + cpu.system };
}
