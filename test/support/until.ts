import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waits (bounded) until `check` holds: for a state another process or server writes, which sends
 * this one no event to await. A check that throws counts as not yet.
 */
export async function until(what: string, check: () => Promise<boolean>, withinMs = 15_000): Promise<void> {
  const deadline = performance.now() + withinMs;
  while (!(await check().catch(() => false))) {
    if (performance.now() > deadline) throw new Error(`${what}: not within ${withinMs} ms`);
    await sleep(20);
  }
}
