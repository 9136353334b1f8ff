/**
 * examples/shell-consensus.sh: the demo's consensus round in bash with the CLI only (four processes,
 * each its own agent), against private Redis servers: PROCEED with the demo's confidences, DEFER
 * with lower ones; no agent process left behind. It speaks the round's wire format: its validators
 * serve a round the library's ProductOwner runs.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { createStore } from '../../src/store/create-store.js';
import { ProductOwner } from '../../src/workflows/product-owner.js';
import { Coordinators } from '../support/coordinators.js';
import { recordingLogger } from '../support/recording-logger.js';
import { startRedis } from '../support/redis-server.js';
import { runProcess } from '../support/run-process.js';
import { agentEnv, CLI, describe, root, type Run } from './agent-support.js';

function runScript(env: NodeJS.ProcessEnv): Promise<Run> {
  return runProcess('bash', [path.join(root, 'examples/shell-consensus.sh')], { env: { ...env, RENDEZVOUS_CLI: `${process.execPath} ${CLI}` }, timeoutMs: 60_000 });
}

test('examples/shell-consensus.sh ends the round in PROCEED or DEFER, as the demo does', { timeout: 90_000 }, async () => {
  const servers = await Promise.all([startRedis(), startRedis()]);
  try {
    const [proceed, defer] = await Promise.all([
      runScript(agentEnv(servers[0]!.url)),
      runScript(agentEnv(servers[1]!.url, { DEMO_CONFIDENCES: '0.8,0.85,0.9' })),
    ]);
    assert.equal(proceed.code, 0, describe(proceed));
    assert.match(proceed.stdout, /^Decision: PROCEED \(consensus 0\.917 >= 0\.90\)$/m, describe(proceed));
    assert.match(proceed.stdout, /isDuplicate=true/);
    assert.match(proceed.stdout, /^Recommendations \(4 unique of 7\):$/m);
    for (const id of ['validator-1', 'validator-2', 'validator-3']) {
      assert.match(proceed.stdout, new RegExp(`^product-owner +<- answer from ${id}: confidence `, 'm'));
    }
    assert.equal(defer.code, 0, describe(defer));
    assert.match(defer.stdout, /^Decision: DEFER \(consensus 0\.85 < 0\.90\)$/m, describe(defer));
    // Every agent stopped cleanly: no heartbeat left in either Redis.
    for (const server of servers) {
      const client = new Redis(server.url);
      try {
        assert.equal(await client.exists(...['product-owner', 'validator-1', 'validator-2', 'validator-3'].map((id) => `blocking:heartbeat:${id}`)), 0);
      } finally {
        client.disconnect();
      }
    }
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
});

test("the script's validators (ROLES=validators) serve a round the library's ProductOwner runs", { timeout: 90_000 }, async () => {
  const server = await startRedis();
  const store = await createStore({ url: server.url, logger: recordingLogger() });
  const c = new Coordinators(() => store, 'shell-interop');
  try {
    const validators = runScript(agentEnv(server.url, { ROLES: 'validators', SWARM: 'shell-interop' }));
    const owner = new ProductOwner(await c.start('product-owner'), { logger: recordingLogger(), timeoutMs: 30_000 });
    const result = await owner.runRound({ roundId: 'interop', validators: ['validator-1', 'validator-2', 'validator-3'], task: { task: 'Add JWT authentication to the API' } });
    const run = await validators;
    assert.equal(run.code, 0, describe(run));
    assert.equal(result.decision, 'PROCEED', result.reasoning);
    assert.equal(result.consensus?.toFixed(3), '0.917');
    assert.deepEqual(result.answers.map((a) => a.answeredBy), ['validator-1', 'validator-2', 'validator-3']);
    assert.equal(result.recommendations.length, 4);
    assert.match(run.stdout, /^validator-1 +<- validate from product-owner, round interop: Add JWT authentication to the API/m);
  } finally {
    await c.shutdownAll();
    await store.close();
    await server.stop();
  }
});
