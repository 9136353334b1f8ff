import { performance } from 'node:perf_hooks';
import type { StoreBase } from '../store/port.js';

/** One TIME round trip against a store: the local clock just before and just after, and the reply. */
export interface TimeReading {
  before: number;
  storeTime: number;
  after: number;
}

/**
 * How long a reading serves later syncs against the same store. The offset between two clocks
 * drifts by ppm (an NTP slew is at most 500 ppm: 0.5 ms over this), far under a sync's own
 * uncertainty, and syncs are due once a minute by default.
 */
export const SHARED_READING_MS = 1_000;

interface Shared {
  /** performance.now() when the read began. */
  startedAt: number;
  reading: Promise<TimeReading>;
}

const shared = new WeakMap<object, Shared>();

/**
 * A TIME reading on `local`, shared by every caller on the same store within SHARED_READING_MS:
 * a fleet of a thousand coordinators of one process, whose syncs fall due together, sends one
 * TIME instead of a thousand. A failed read is not kept: the next caller reads again.
 * Only for callers on one and the same local clock (the default one), whose offsets are equal.
 */
export function sharedTimeReading(store: Pick<StoreBase, 'time'>, local: () => number): Promise<TimeReading> {
  const now = performance.now();
  const last = shared.get(store);
  if (last && now - last.startedAt < SHARED_READING_MS) return last.reading;
  const reading = readTime(store, local);
  const entry = { startedAt: now, reading };
  shared.set(store, entry);
  reading.catch(() => {
    if (shared.get(store) === entry) shared.delete(store);
  });
  return reading;
}

/** One TIME round trip, unshared. */
export async function readTime(store: Pick<StoreBase, 'time'>, local: () => number): Promise<TimeReading> {
  const before = local();
  const storeTime = await store.time();
  return { before, storeTime, after: local() };
}
