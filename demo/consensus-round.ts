/**
 * Rendezvous demo: one consensus round (CFN Loop 2) between a product owner and three validators,
 * all in this process.
 *
 *   npm run demo                                    embedded store, nothing else needed
 *   REDIS_URL=redis://127.0.0.1:6379 npm run demo   the same round on Redis
 *   DEMO_CONFIDENCES=0.8,0.85,0.9 npm run demo      a round that ends in DEFER
 *
 * The owner sends each validator a signed `validate` signal and waits for their ACKs; each
 * validator blocks until its signal arrives, acknowledges it, validates, and answers with a
 * signed `completion` signal; the owner waits for all three answers (a barrier), acknowledges
 * them and decides: PROCEED when the average confidence is at least 0.90, else DEFER.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
// In your project: import { BlockingCoordinator, createStore } from 'rendezvous';
import { BlockingCoordinator, createStore } from '../src/index.js';
import {
  consensus,
  CONSENSUS_THRESHOLD,
  fakeValidation,
  readConfidences,
  type Consensus,
  type ValidationRequest,
  type ValidationResult,
} from './consensus.js';
import { logStep, short } from './step-log.js';

// The library logs JSON to stderr at the level in RENDEZVOUS_LOG_LEVEL, read once, when it creates
// its logger; only warnings and errors here, so the story below stays readable.
process.env.RENDEZVOUS_LOG_LEVEL ??= 'warn';

const SWARM = 'demo-swarm';
const OWNER = 'product-owner';
const VALIDATORS = ['validator-1', 'validator-2', 'validator-3'] as const;
const ITERATION = 1;
const TIMEOUT_MS = 10_000;
const ACK_TIMEOUT_MS = 5_000;

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

  const owner = new BlockingCoordinator({ id: OWNER, store, secret, swarmId: SWARM });
  const validators = VALIDATORS.map((id) => new BlockingCoordinator({ id, store, secret, swarmId: SWARM }));
  const everyone = [owner, ...validators];
  for (const coordinator of everyone) {
    // Forged, tampered or replayed messages are skipped, never thrown: this is where they show.
    coordinator.on('message:rejected', (event) => logStep(coordinator.id, `REJECTED a ${event.kind}: ${event.reason} (${event.detail})`));
  }

  try {
    await Promise.all(everyone.map((coordinator) => coordinator.start()));
    logStep('demo', `${everyone.length} coordinators initialized in swarm ${SWARM} (inboxes open, heartbeats running)`);

    const [round] = await Promise.all([
      runProductOwner(owner),
      ...validators.map((validator, index) => runValidator(validator, index, confidences[index] ?? 0)),
    ]);
    printSummary(owner, round.results, round.outcome);
  } finally {
    await Promise.all(everyone.map((coordinator) => coordinator.stop()));
    await store.close();
    logStep('demo', 'coordinators shut down (heartbeats removed), store closed');
  }
}

/** The product owner: send the work, wait for the ACKs, then for every result (the barrier). */
async function runProductOwner(owner: BlockingCoordinator): Promise<{ results: Map<string, ValidationResult>; outcome: Consensus }> {
  const request: ValidationRequest = {
    taskId: `task-${Date.now().toString(36)}`,
    task: 'Add JWT authentication to the API',
    criteria: ['security', 'test coverage', 'operability'],
  };
  // Same key, same receiver: a resend is recognised and not delivered twice.
  const idempotencyKey = `${request.taskId}.validate.${ITERATION}`;

  const sent = new Map<string, string>();
  for (const id of VALIDATORS) {
    const { messageId } = await owner.sendSignal<ValidationRequest>(id, 'validate', { iteration: ITERATION, payload: request, idempotencyKey });
    sent.set(id, messageId);
    logStep(OWNER, `-> ${id}: validate, iteration ${ITERATION}, "${request.task}" (messageId ${messageId})`);
  }

  // A retry after, say, a lost reply: the store answers with the first send's messageId.
  const first = VALIDATORS[0];
  const retry = await owner.sendSignal<ValidationRequest>(first, 'validate', { iteration: ITERATION, payload: request, idempotencyKey });
  logStep(OWNER, `-> ${first}: the same send again (a retry): isDuplicate=${retry.isDuplicate}, same messageId: ${retry.messageId === sent.get(first)}`);

  logStep(OWNER, 'waits for the ACK of each validate signal');
  await Promise.all(
    [...sent].map(async ([id, messageId]) => {
      const acks = await owner.waitForAcks([id], messageId, { timeoutMs: ACK_TIMEOUT_MS }); // partial (here: empty) on timeout
      const ack = acks.get(id);
      if (!ack) throw new Error(`no ACK from ${id} within ${ACK_TIMEOUT_MS} ms`);
      logStep(OWNER, `<- ACK from ${id}: ${ack.status}, signature ${short(ack.signature)} verified`);
    }),
  );

  logStep(OWNER, `blocks until all ${VALIDATORS.length} validators answer (barrier: completion, iteration ${ITERATION})`);
  const answers = await owner.waitForSignals<ValidationResult>(VALIDATORS, { types: 'completion', iteration: ITERATION, timeoutMs: TIMEOUT_MS });
  const missing = VALIDATORS.filter((id) => !answers.has(id));
  if (missing.length > 0) throw new Error(`no answer from ${missing.join(', ')} within ${TIMEOUT_MS} ms`);

  const results = new Map<string, ValidationResult>();
  for (const [id, answer] of answers) {
    if (answer.payload) results.set(id, answer.payload);
    const ack = await owner.acknowledge(answer, { status: 'processed' });
    logStep(OWNER, `<- completion from ${id} (confidence ${answer.payload?.confidence}); ACK ${ack.status} sent`);
  }

  const outcome = consensus(VALIDATORS.flatMap((id) => results.get(id) ?? []));
  logStep(OWNER, `consensus: average confidence ${outcome.average.toFixed(3)} -> ${outcome.decision}`);
  return { results, outcome };
}

/** A validator: block until asked, ACK, validate, answer with a signed completion signal. */
async function runValidator(validator: BlockingCoordinator, index: number, confidence: number): Promise<void> {
  logStep(validator.id, 'blocks until a validate signal arrives');
  const signal = await validator.blockUntilSignal<ValidationRequest>({ types: 'validate', timeoutMs: TIMEOUT_MS });
  logStep(validator.id, `<- ${signal.type} from ${signal.senderId}, iteration ${signal.iteration} (signature ${short(signal.signature)} verified)`);

  const ack = await validator.acknowledge(signal);
  logStep(validator.id, `-> ACK to ${signal.senderId}: ${ack.status} (signed ${short(ack.signature)})`);

  await sleep(25 * (index + 1)); // "validating": fixed, fake, deterministic
  const result = fakeValidation(index, confidence);
  await validator.sendSignal<ValidationResult>(signal.senderId, 'completion', { iteration: signal.iteration, payload: result });
  logStep(validator.id, `-> ${signal.senderId}: completion, confidence ${result.confidence}, ${result.recommendations.length} recommendations`);
}

function printSummary(owner: BlockingCoordinator, results: Map<string, ValidationResult>, outcome: Consensus): void {
  const comparison = outcome.decision === 'PROCEED' ? '>=' : '<';
  console.log('');
  console.log(`Decision: ${outcome.decision} (average confidence ${outcome.average.toFixed(3)} ${comparison} ${CONSENSUS_THRESHOLD.toFixed(2)})`);
  for (const id of VALIDATORS) console.log(`  ${id}: confidence ${results.get(id)?.confidence.toFixed(2)}`);
  console.log(`Recommendations (${outcome.recommendations.length} unique of ${outcome.mentioned}):`);
  for (const recommendation of outcome.recommendations) console.log(`  - ${recommendation}`);
  const m = owner.getMetrics();
  console.log(
    `${owner.id} metrics: ${m.signalsSent} signals sent, ${m.duplicateSends} duplicate send, ${m.acksReceived} ACKs received, ` +
      `${m.signalsReceived} signals received, ${m.acksSent} ACKs sent`,
  );
  console.log('');
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
