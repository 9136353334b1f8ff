/**
 * Issue 15's proofs, each process its own: a validator SIGKILLed mid-round is replaced by the
 * supervisor and its replacement's answer completes the round under the dead validator's id; an
 * owner SIGKILLed mid-round and restarted with the same id resumes the round.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { createStore } from '../../src/store/create-store.js';
import type { Store } from '../../src/store/port.js';
import { commandSpawner } from '../../src/supervision/spawner.js';
import { CoordinatorTimeoutHandler } from '../../src/supervision/timeout-handler.js';
import { ConsensusValidator } from '../../src/workflows/consensus-validator.js';
import { ProductOwner } from '../../src/workflows/product-owner.js';
import { agentEnv } from '../support/agent-processes.js';
import { Coordinators, SECRET } from '../support/coordinators.js';
import { recordingLogger } from '../support/recording-logger.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { WorkerProcess } from '../support/worker-process.js';

const VALIDATOR = fileURLToPath(new URL('../fixtures/validator-process.ts', import.meta.url));
const OWNER = fileURLToPath(new URL('../fixtures/owner-process.ts', import.meta.url));
const VALIDATORS = ['validator-1', 'validator-2', 'validator-3'];

let server: RedisServer;
let store: Store;
const processes: WorkerProcess[] = [];
/** Where every validator process, the spawned replacement too, writes its pid. */
const pidDir = mkdtempSync(path.join(os.tmpdir(), 'rdv-wf-'));
const fixtureEnv = () => ({ ...agentEnv(server.url), PID_DIR: pidDir }) as Record<string, string>;
before(async () => {
  server = await startRedis();
  store = await createStore({ url: server.url, logger: recordingLogger() });
});
after(async () => {
  for (const p of processes) p.child.kill('SIGKILL');
  for (const file of readdirSync(pidDir)) {
    try {
      process.kill(Number(readFileSync(path.join(pidDir, file), 'utf8')), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(pidDir, { recursive: true, force: true });
  await store.close();
  await server.stop();
});

function spawnFixture(fixture: string, args: string[]): WorkerProcess {
  const child = new WorkerProcess(fixtureEnv(), { path: fixture, args });
  processes.push(child);
  return child;
}

test('a validator SIGKILLed mid-round is replaced, and its replacement answer makes the round PROCEED', { timeout: 60_000 }, async () => {
  const swarm = 'wf-kill';
  const validators = VALIDATORS.map((id) => spawnFixture(VALIDATOR, ['--id', id, '--swarm', swarm, ...(id === 'validator-2' ? ['--stall'] : [])]));
  await Promise.all(validators.map((v) => v.next((line) => line.type === 'ready', 0)));
  const c = new Coordinators(() => store, swarm);
  const owner = new ProductOwner(await c.start('product-owner'), { logger: recordingLogger() });
  const spawner = commandSpawner(`${process.execPath} --import tsx ${VALIDATOR} --id {replacementId} --replaces {replaces} --swarm {swarmId}`, { env: fixtureEnv() });
  const supervisor = new CoordinatorTimeoutHandler({
    store,
    deadThresholdMs: 600,
    checkIntervalMs: 100,
    maxWarnings: 2,
    spawner,
    namespace: 'wf-supervisor',
    election: { secret: SECRET, leaseTimeoutMs: 900, heartbeatIntervalMs: 100, workerTimeoutMs: 2_000 },
    logger: recordingLogger(),
  });
  const escalated = once(supervisor, 'coordinator:escalated');
  await supervisor.start();

  const round = owner.runRound({ roundId: 'kill-round', validators: VALIDATORS, task: { change: 'JWT auth' }, timeoutMs: 30_000 });
  await validators[1]!.next((line) => line.type === 'working', 0);
  validators[1]!.child.kill('SIGKILL'); // mid-round: the request taken, no answer stored
  const result = await round;
  const [event] = await escalated;
  await supervisor.stop();

  assert.equal(event.coordinatorId, 'validator-2');
  assert.equal(result.decision, 'PROCEED', result.reasoning);
  assert.deepEqual(result.missing, []);
  assert.deepEqual(result.answers.map((a) => [a.validatorId, a.answeredBy]), [
    ['validator-1', 'validator-1'],
    ['validator-2', event.replacementId],
    ['validator-3', 'validator-3'],
  ]);
  assert.ok(result.recommendations.includes(`checked by ${event.replacementId}`));
  // End the spawned replacement (detached from the supervisor) and the two others.
  const ownerCoordinator = c.all[0]!;
  for (const id of [event.replacementId, 'validator-1', 'validator-3']) await ownerCoordinator.sendSignal(id, 'stop');
  await c.shutdownAll();
});

test('an owner SIGKILLed mid-round and restarted with the same id resumes: answers read back, nobody asked twice', { timeout: 60_000 }, async () => {
  const swarm = 'wf-owner';
  const c = new Coordinators(() => store, swarm);
  const calls = new Map<string, number>();
  let release!: () => void;
  const releaseSecond = new Promise<void>((resolve) => (release = resolve));
  let secondStarted!: () => void;
  const secondWorking = new Promise<void>((resolve) => (secondStarted = resolve));
  const validators = await Promise.all(
    VALIDATORS.map(async (id) => {
      const validator = new ConsensusValidator(await c.start(id), async () => {
        calls.set(id, (calls.get(id) ?? 0) + 1);
        if (id === 'validator-2') {
          secondStarted();
          await releaseSecond;
        }
        return { confidence: 0.95 };
      }, { logger: recordingLogger() });
      validator.start();
      return validator;
    }),
  );
  const args = ['--id', 'product-owner', '--swarm', swarm, '--round', 'restart-round', '--validators', VALIDATORS.join(',')];
  const first = spawnFixture(OWNER, args);
  await first.next((line) => line.type === 'started', 0);
  await Promise.all([first.next((l) => l.type === 'answer' && l.validatorId === 'validator-1', 0), first.next((l) => l.type === 'answer' && l.validatorId === 'validator-3', 0), secondWorking]);
  first.child.kill('SIGKILL');
  await first.exited;

  const second = spawnFixture(OWNER, args);
  const started = await second.next((line) => line.type === 'started', 0);
  assert.deepEqual(started.resumed, VALIDATORS, 'every validator had been asked by the first instance');
  release();
  const result = await second.next((line) => line.type === 'result', 0);
  assert.equal(result.decision, 'PROCEED');
  assert.deepEqual(result.answers, VALIDATORS.map((id) => [id, id]));
  assert.deepEqual(Object.fromEntries(calls), { 'validator-1': 1, 'validator-2': 1, 'validator-3': 1 }, 'no validator was asked twice');
  await Promise.all(validators.map((v) => v.stop()));
  await c.shutdownAll();
});
