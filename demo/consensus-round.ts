/**
 * Rendezvous demo: the CFN Loop between a product owner and three validators, all in this process,
 * on the library's workflow API (docs/workflows.md).
 *
 *   npm run demo                                    embedded store, nothing else needed
 *   REDIS_URL=redis://127.0.0.1:6379 npm run demo   the same loop on Redis
 *   DEMO_CONFIDENCES=0.8,0.85,0.9 npm run demo      a first round that ends in DEFER, then a second
 *   DEMO_CONFIDENCES=0.5,0.5,0.5 npm run demo       no consensus in 3 iterations: ESCALATE
 *
 * Each iteration the implementers produce a version (here: a description of it) and the owner runs
 * a consensus round: it sends each validator a signed `validate` request and blocks until every
 * validator has answered, in the signed ACK of its request; then it decides. PROCEED at a mean
 * confidence of 0.90 or more ends the loop; DEFER hands the merged recommendations to the next
 * iteration; ESCALATE, or 3 iterations without consensus, ends it escalated.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
// In your project: import { BlockingCoordinator, ConsensusValidator, createStore, ProductOwner } from 'rendezvous';
import { BlockingCoordinator, ConsensusValidator, createStore, ProductOwner, type LoopResult } from '../src/index.js';
import { fakeValidation, readConfidences, type Implementation } from './consensus.js';
import { logStep } from './step-log.js';

// The library logs JSON to stderr at the level in RENDEZVOUS_LOG_LEVEL, read once, when it creates
// its logger; only errors here, so the story below stays readable (a round without every answer is a warning).
process.env.RENDEZVOUS_LOG_LEVEL ??= 'error';

const SWARM = 'demo-swarm';
const OWNER = 'product-owner';
const VALIDATORS = ['validator-1', 'validator-2', 'validator-3'] as const;
const MAX_ITERATIONS = 3;
const ROUND_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  const confidences = readConfidences(process.env.DEMO_CONFIDENCES, VALIDATORS.length);

  // createStore() is the embedded in-process store, or Redis when REDIS_URL is set.
  const store = await createStore();
  logStep('demo', store.kind === 'redis' ? 'store: Redis (from REDIS_URL)' : 'store: embedded, in-process (set REDIS_URL to use Redis)');

  // Every coordinator that talks to another must share its signing secret.
  let secret = process.env.BLOCKING_COORDINATION_SECRET;
  if (secret) {
    logStep('demo', 'secret: BLOCKING_COORDINATION_SECRET');
  } else {
    secret = randomBytes(32).toString('hex');
    logStep('demo', 'secret: BLOCKING_COORDINATION_SECRET is not set; generated a random 32-byte secret for this run');
  }

  const ownerCoordinator = new BlockingCoordinator({ id: OWNER, store, secret, swarmId: SWARM });
  const validatorCoordinators = VALIDATORS.map((id) => new BlockingCoordinator({ id, store, secret, swarmId: SWARM }));
  const everyone = [ownerCoordinator, ...validatorCoordinators];
  for (const coordinator of everyone) {
    // Forged, tampered or replayed messages are skipped, never thrown: this is where they show.
    coordinator.on('message:rejected', (event) => logStep(coordinator.id, `REJECTED a ${event.kind}: ${event.reason} (${event.detail})`));
  }

  const validators: ConsensusValidator<Implementation>[] = [];
  try {
    await Promise.all(everyone.map((coordinator) => coordinator.start()));
    logStep('demo', `${everyone.length} coordinators started in swarm ${SWARM} (inboxes open, heartbeats running)`);

    // The validator's side: serve rounds until stopped; the handler's verdict is the signed answer.
    for (const [index, coordinator] of validatorCoordinators.entries()) {
      const validator = new ConsensusValidator<Implementation>(coordinator, async ({ iteration }) => {
        await sleep(25 * (index + 1)); // "validating": fixed, fake, deterministic
        return fakeValidation(index, confidences[index] ?? 0, iteration);
      });
      validator.on('request:received', (e) => logStep(coordinator.id, `<- validate from ${e.ownerId}, round ${e.roundId} iteration ${e.iteration} (signature verified)`));
      validator.on('request:answered', (e) => logStep(coordinator.id, `-> answer in the signed ACK: ${e.status}, confidence ${e.confidence}`));
      validator.start();
      validators.push(validator);
    }
    logStep('demo', `${validators.length} validators serve rounds`);

    // The owner's side: the loop of implement, validate, decide.
    const owner = new ProductOwner(ownerCoordinator, { timeoutMs: ROUND_TIMEOUT_MS });
    owner.on('loop:iteration', (e) =>
      logStep(OWNER, `iteration ${e.iteration}: the implementers work${e.feedback.length > 0 ? `, addressing ${e.feedback.length} recommendations` : ''}`),
    );
    owner.on('round:started', (e) =>
      logStep(
        OWNER,
        e.resumed.length > 0
          ? `resumes round ${e.roundId}, iteration ${e.iteration}: ${e.resumed.join(', ')} asked before, not asked again; reads their answers`
          : `-> asks ${e.validators.join(', ')} (round ${e.roundId}, iteration ${e.iteration}) and blocks until all answer`,
      ),
    );
    owner.on('round:answer', (e) => {
      if (e.answer) logStep(OWNER, `<- answer from ${e.answer.validatorId}: confidence ${e.answer.confidence} (ACK signature verified)`);
    });
    owner.on('round:ended', (r) => logStep(OWNER, `decides: ${r.reasoning}`));

    const taskId = `task-${Date.now().toString(36)}`;
    const loop = await owner.runLoop<Implementation>({
      loopId: taskId,
      validators: VALIDATORS,
      maxIterations: MAX_ITERATIONS,
      implement: ({ feedback }) => ({ taskId, task: 'Add JWT authentication to the API', criteria: ['security', 'test coverage', 'operability'], addressed: feedback }),
    });

    // A restarted owner running the last round again resumes it: nobody is asked again.
    const last = loop.rounds.at(-1)!;
    const again = await owner.runRound({ roundId: last.roundId, iteration: last.iteration, validators: VALIDATORS, task: 'ignored: the requests were sent' });
    logStep(OWNER, `the same round again (as a restarted owner would): resumed ${again.resumed.length} of ${VALIDATORS.length}, decision ${again.decision}, same answers: ${sameAnswers(last.answers, again.answers)}`);

    printSummary(ownerCoordinator, loop);
  } finally {
    await Promise.all(validators.map((validator) => validator.stop()));
    await Promise.all(everyone.map((coordinator) => coordinator.stop()));
    await store.close();
    logStep('demo', 'validators stopped, coordinators shut down (heartbeats removed), store closed');
  }
}

function sameAnswers(a: readonly { messageId: string; confidence: number }[], b: readonly { messageId: string; confidence: number }[]): boolean {
  return a.length === b.length && a.every((x, i) => x.messageId === b[i]?.messageId && x.confidence === b[i]?.confidence);
}

function printSummary(owner: BlockingCoordinator, loop: LoopResult): void {
  const last = loop.rounds.at(-1)!;
  const iterations = `${loop.rounds.length} iteration${loop.rounds.length === 1 ? '' : 's'}`;
  console.log('');
  console.log(`Decision: ${loop.decision} after ${iterations}: ${loop.reasoning}`);
  for (const round of loop.rounds) {
    console.log(`  iteration ${round.iteration}: ${round.decision}, consensus ${round.consensus?.toFixed(3) ?? 'none'} (${round.answers.map((a) => `${a.validatorId} ${a.confidence.toFixed(2)}`).join(', ')})`);
  }
  const mentioned = last.answers.reduce((n, a) => n + a.recommendations.length, 0);
  console.log(`Recommendations of the last round (${last.recommendations.length} unique of ${mentioned}):`);
  for (const recommendation of last.recommendations) console.log(`  - ${recommendation}`);
  const m = owner.getMetrics();
  console.log(`${owner.id} metrics: ${m.signalsSent} signals sent, ${m.duplicateSends} duplicate sends, ${m.acksReceived} ACKs received (the answers)`);
  console.log('');
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
