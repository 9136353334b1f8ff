import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { AbortedError, BlockingCoordinator, CoordinatorStoppedError, type Signal, type SignalFilter } from '../src/index.js';
import type { ScenarioContext } from './scenario.js';

/** Builds and initializes one coordinator per id in the scenario's swarm. */
export async function startCoordinators(context: ScenarioContext, ids: readonly string[]): Promise<BlockingCoordinator[]> {
  const coordinators = ids.map((id) => new BlockingCoordinator({ id, store: context.store, secret: context.secret, swarmId: context.swarmId }));
  if (context.observe) for (const c of coordinators) context.observe(c);
  try {
    await Promise.all(coordinators.map((c) => c.start()));
  } catch (error) {
    await Promise.allSettled(coordinators.map((c) => c.stop()));
    throw error;
  }
  return coordinators;
}

/**
 * A responder: blocks for signals matching `filter` and hands each to `handle`, until `stop`
 * aborts or the coordinator shuts down. Resolves when the loop has ended; rejects on any other error.
 */
export async function respondLoop(
  coordinator: BlockingCoordinator,
  filter: SignalFilter,
  handle: (signal: Signal) => Promise<void>,
  stop: AbortSignal,
): Promise<void> {
  while (!stop.aborted) {
    let signal: Signal;
    try {
      // The wait is ended by `stop`, not by a timeout; the default timeout (30 min) never fires here.
      signal = await coordinator.blockUntilSignal({ ...filter, signal: stop });
    } catch (error) {
      if (error instanceof AbortedError || error instanceof CoordinatorStoppedError) return;
      throw error;
    }
    await handle(signal);
  }
}

/**
 * A coordinator checks in the store whether a signal was already acknowledged (one EXISTS) only
 * for signals stamped within 1 s of its start (an earlier instance of its id may have ACKed those;
 * src/core/acked-messages.ts); later ones it answers locally. Timed work starts after that, so
 * every row measures long-lived coordinators, not their first second.
 */
const STARTUP_MARGIN_MS = 1_100;

/**
 * Runs `body` with responder loops started by `startLoops`, then stops the loops and shuts every
 * coordinator down, whatever happened. A loop that failed fails the scenario.
 */
export async function withLoops<T>(
  coordinators: readonly BlockingCoordinator[],
  startLoops: (stop: AbortSignal) => Promise<void>[],
  body: () => Promise<T>,
): Promise<T> {
  const stop = new AbortController();
  // Every loop's wait listens on this one signal (100 receivers in the throughput row).
  setMaxListeners(0, stop.signal);
  const loops = startLoops(stop.signal);
  // Surface a loop failure while the body is still running, instead of a 10 s step timeout.
  const loopFailure = Promise.all(loops).then(() => new Promise<never>(() => undefined));
  let outcome: { ok: true; value: T } | { ok: false; error: unknown };
  try {
    outcome = { ok: true, value: await Promise.race([sleep(STARTUP_MARGIN_MS).then(body), loopFailure]) };
  } catch (error) {
    outcome = { ok: false, error };
  }
  stop.abort();
  const settled = await Promise.allSettled(loops);
  await Promise.allSettled(coordinators.map((c) => c.stop()));
  if (!outcome.ok) throw outcome.error;
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return outcome.value;
}
