import type { BlockingCoordinator } from '../../src/index.js';
import { respondLoop, startCoordinators, withLoops } from '../coordinators.js';
import { STEP_TIMEOUT_MS, type Scenario, type ScenarioContext, type ScenarioResult } from '../scenario.js';
import { elapsedUs, mark } from '../timer.js';

const SENDER = 'bench-sender';
const RECEIVER = 'bench-receiver';

/** One round trip: send `wake`, the receiver wakes and acknowledges, waitForAcks returns. */
async function roundTrip(sender: BlockingCoordinator, iteration: number): Promise<void> {
  const { messageId } = await sender.sendSignal(RECEIVER, 'wake', { iteration });
  const acks = await sender.waitForAcks([RECEIVER], messageId, STEP_TIMEOUT_MS);
  if (!acks.has(RECEIVER)) throw new Error(`round trip ${iteration}: no ACK for ${messageId} within ${STEP_TIMEOUT_MS} ms`);
}

/**
 * Sequential round trips between two coordinators of one process. The receiver is a loop that
 * blocks in blockUntilSignal and acknowledges what it gets; the sender times send → ACK.
 */
export const roundTripScenario: Scenario = {
  id: 'round-trip',
  async run(context: ScenarioContext): Promise<ScenarioResult> {
    const [sender, receiver] = (await startCoordinators(context, [SENDER, RECEIVER])) as [BlockingCoordinator, BlockingCoordinator];
    return withLoops(
      [sender, receiver],
      (stop) => [
        respondLoop(receiver, { types: 'wake', from: SENDER }, async (signal) => {
          await receiver.acknowledge(signal);
        }, stop),
      ],
      async () => {
        const { warmup, measured } = context.counts;
        let iteration = 0;
        for (let i = 0; i < warmup; i += 1) await roundTrip(sender, iteration++);
        const samplesUs = new Array<number>(measured);
        const loopStart = mark();
        for (let i = 0; i < measured; i += 1) {
          const start = mark();
          await roundTrip(sender, iteration++);
          samplesUs[i] = elapsedUs(start);
        }
        return { name: 'round trip (sequential)', unit: 'round trip', samplesUs, elapsedMs: elapsedUs(loopStart) / 1_000 };
      },
    );
  },
};
