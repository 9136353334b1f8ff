import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Registry } from 'prom-client';
import { createMetrics } from '../../src/observability/create-metrics.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { ConsensusValidator } from '../../src/workflows/consensus-validator.js';
import { ProductOwner } from '../../src/workflows/product-owner.js';
import { Coordinators, uniqueSwarm } from '../support/coordinators.js';
import { recordingLogger } from '../support/recording-logger.js';
import { valueOf } from '../observability/scrape.js';

const store = new MemoryStore();
after(() => store.close());

test("a product owner's rounds are counted: by decision, their duration, missing validators, rounds in progress and loops", async () => {
  const swarm = uniqueSwarm('wf-metrics');
  const c = new Coordinators(() => store, swarm);
  const registry = new Registry();
  const metrics = createMetrics({ registry });
  const owner = new ProductOwner(await c.start('owner'), { logger: recordingLogger(), timeoutMs: 5_000 });
  const unobserve = metrics.observeWorkflow(owner);
  const validator = new ConsensusValidator(await c.start('v1'), ({ task }) => ({ confidence: task === 'good' ? 0.95 : 0.5 }), { logger: recordingLogger() });
  validator.start();

  await owner.runRound({ roundId: 'r1', validators: ['v1'], task: 'good' });
  await owner.runRound({ roundId: 'r2', validators: ['v1', 'absent'], task: 'good', timeoutMs: 500 }); // ESCALATE: absent never answers
  await owner.runLoop({ loopId: 'l1', validators: ['v1'], maxIterations: 2, implement: ({ iteration }) => (iteration === 2 ? 'good' : 'bad') });

  assert.equal(await valueOf(registry, 'rendezvous_workflow_rounds_total', { swarm, decision: 'PROCEED' }), 2);
  assert.equal(await valueOf(registry, 'rendezvous_workflow_rounds_total', { swarm, decision: 'DEFER' }), 1);
  assert.equal(await valueOf(registry, 'rendezvous_workflow_rounds_total', { swarm, decision: 'ESCALATE' }), 1);
  assert.equal(await valueOf(registry, 'rendezvous_workflow_round_duration_seconds_count', { swarm }), 4);
  const escalatedSeconds = (await valueOf(registry, 'rendezvous_workflow_round_duration_seconds_sum', { swarm, decision: 'ESCALATE' }))!;
  assert.ok(escalatedSeconds >= 0.49, `the escalated round waited its 500 ms timeout: ${escalatedSeconds} s`);
  assert.equal(await valueOf(registry, 'rendezvous_workflow_missing_validators_total', { swarm, reason: 'no_answer' }), 1);
  assert.equal(await valueOf(registry, 'rendezvous_workflow_loops_total', { swarm, ended_by: 'consensus' }), 1);
  assert.equal(await valueOf(registry, 'rendezvous_workflow_loops_total', { swarm, ended_by: 'max_iterations' }), 0, 'every loop end is exported from the start, at 0');
  assert.equal(await valueOf(registry, 'rendezvous_workflow_rounds_in_progress', { swarm }), 0);

  // A round cut short (the owner's coordinator stopped) leaves nothing in progress.
  const cut = owner.runRound({ roundId: 'r3', validators: ['absent'], task: 'good', timeoutMs: 5_000 }).catch((error: unknown) => error);
  await new Promise((resolve) => owner.once('round:started', resolve));
  assert.equal(await valueOf(registry, 'rendezvous_workflow_rounds_in_progress', { swarm }), 1);
  await c.all[0]!.stop();
  assert.equal((await cut as { code?: string }).code, 'RDV_ERR_STOPPED');
  assert.equal(await valueOf(registry, 'rendezvous_workflow_rounds_in_progress', { swarm }), 0);

  unobserve();
  await validator.stop();
  await c.shutdownAll();
});

test('rounds in progress count only the rounds seen starting: observing mid-round never drives the gauge below zero', async () => {
  const swarm = uniqueSwarm('wf-gauge');
  const c = new Coordinators(() => store, swarm);
  const registry = new Registry();
  const metrics = createMetrics({ registry });
  const owner = new ProductOwner(await c.start('owner'), { logger: recordingLogger() });
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const validator = new ConsensusValidator(await c.start('v1'), async () => (await gate, { confidence: 1 }), { logger: recordingLogger() });
  validator.start();
  const started = new Promise((resolve) => owner.once('round:started', resolve));
  const round = owner.runRound({ roundId: 'before', validators: ['v1'], task: 'x' });
  await started;
  metrics.observeWorkflow(owner); // after the round started
  release();
  await round;
  assert.equal(await valueOf(registry, 'rendezvous_workflow_rounds_in_progress', { swarm }), 0);
  assert.equal(await valueOf(registry, 'rendezvous_workflow_rounds_total', { swarm, decision: 'PROCEED' }), 1);
  await validator.stop();
  await c.shutdownAll();
});
