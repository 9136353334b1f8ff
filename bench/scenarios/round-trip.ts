import type { BlockingCoordinator } from '../../src/index.js';
import { respondLoop, startCoordinators, withLoops } from '../coordinators.js';
import { STEP_TIMEOUT_MS, type Scenario, type ScenarioContext, type ScenarioResult } from '../scenario.js';
import { elapsedUs, mark } from '../timer.js';

/** A sender and a receiver that acknowledges every `wake`; `suffix` keeps concurrent pairs apart. */
export interface Pair {
  sender: BlockingCoordinator;
  receiverId: string;
  coordinators: BlockingCoordinator[];
  /** Starts the receiver's loop: it blocks in blockUntilSignal and acknowledges what it gets. */
  loops(stop: AbortSignal): Promise<void>[];
}

export async function startPair(context: ScenarioContext, suffix = ''): Promise<Pair> {
  suffix += context.idSuffix ?? '';
  const senderId = `bench-sender${suffix}`;
  const receiverId = `bench-receiver${suffix}`;
  const [sender, receiver] = (await startCoordinators(context, [senderId, receiverId])) as [BlockingCoordinator, BlockingCoordinator];
  const loops = (stop: AbortSignal) => [
    respondLoop(receiver, { types: 'wake', from: senderId }, async (signal) => {
      await receiver.acknowledge(signal);
    }, stop),
  ];
  return { sender, receiverId, coordinators: [sender, receiver], loops };
}

/** One round trip: send `wake` (with `payload`, if given), the receiver wakes and acknowledges, waitForAcks returns. */
export async function roundTrip(sender: BlockingCoordinator, receiverId: string, iteration: number, payload?: unknown): Promise<void> {
  const { messageId } = await sender.sendSignal(receiverId, 'wake', { iteration, ...(payload === undefined ? {} : { payload }) });
  const acks = await sender.waitForAcks([receiverId], messageId, { timeoutMs: STEP_TIMEOUT_MS });
  if (!acks.has(receiverId)) throw new Error(`round trip ${iteration}: no ACK for ${messageId} within ${STEP_TIMEOUT_MS} ms`);
}

/** Runs `body` with a started pair and its receiver loop; `body` gets the round trip to time. */
export async function withRoundTrips<T>(context: ScenarioContext, body: (roundTrip: (n: number, payload?: unknown) => Promise<void>) => Promise<T>): Promise<T> {
  const { sender, receiverId, coordinators, loops } = await startPair(context);
  return withLoops(coordinators, loops, () => body((n, payload) => roundTrip(sender, receiverId, n, payload)));
}

/**
 * Sequential round trips between two coordinators of one process. The receiver is a loop that
 * blocks in blockUntilSignal and acknowledges what it gets; the sender times send → ACK.
 */
export const roundTripScenario: Scenario = {
  id: 'round-trip',
  async run(context: ScenarioContext): Promise<ScenarioResult> {
    const { sender, receiverId, coordinators, loops } = await startPair(context);
    return withLoops(coordinators, loops, async () => {
      const { warmup, measured } = context.counts;
      let iteration = 0;
      for (let i = 0; i < warmup; i += 1) await roundTrip(sender, receiverId, iteration++);
      const samplesUs = new Array<number>(measured);
      const loopStart = mark();
      for (let i = 0; i < measured; i += 1) {
        const start = mark();
        await roundTrip(sender, receiverId, iteration++);
        samplesUs[i] = elapsedUs(start);
      }
      return { name: 'round trip (sequential)', unit: 'round trip', samplesUs, elapsedMs: elapsedUs(loopStart) / 1_000 };
    });
  },
};
