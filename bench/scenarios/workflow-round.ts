import { ConsensusValidator, ProductOwner } from '../../src/index.js';
import { startCoordinators, withLoops } from '../coordinators.js';
import { STEP_TIMEOUT_MS, type ScenarioContext } from '../scenario.js';

/**
 * Runs `body` with a ProductOwner and `validatorCount` ConsensusValidators serving rounds; `body`
 * gets one consensus round to time (`ProductOwner.runRound`, iteration n), which must PROCEED.
 */
export async function withWorkflowRounds<T>(context: ScenarioContext, validatorCount: number, body: (round: (n: number) => Promise<void>) => Promise<T>): Promise<T> {
  const ownerId = `wf-owner-${validatorCount}`;
  const validatorIds = Array.from({ length: validatorCount }, (_, i) => `wf-v${i + 1}-${validatorCount}`);
  const coordinators = await startCoordinators(context, [ownerId, ...validatorIds]);
  const [ownerCoordinator, ...validatorCoordinators] = coordinators;
  const owner = new ProductOwner(ownerCoordinator!, { timeoutMs: STEP_TIMEOUT_MS });
  const validators = validatorCoordinators.map((c, i) => new ConsensusValidator(c, () => ({ confidence: 0.95 - (i % 3) * 0.02, recommendations: ['add a test'] })));
  const round = async (n: number) => {
    const result = await owner.runRound({ roundId: `bench-${validatorCount}`, iteration: n, validators: validatorIds, task: { task: `round-${n}` } });
    if (result.decision !== 'PROCEED') throw new Error(`round ${n}: ${result.reasoning}`);
  };
  // The validators serve until the loops' stop; withLoops stops the coordinators after `body`.
  const loops = (stop: AbortSignal) =>
    validators.map((validator) => {
      validator.start();
      return new Promise<void>((resolve) => stop.addEventListener('abort', () => void validator.stop().then(resolve), { once: true }));
    });
  return withLoops(coordinators, loops, () => body(round));
}
