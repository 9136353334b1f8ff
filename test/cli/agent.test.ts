/**
 * The agent interface, end to end: the built CLI's `agent run` and its calls as processes, against
 * a private Redis, with library coordinators in the test process on the other side.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { Redis } from 'ioredis';
import { after, before, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { BlockingCoordinator } from '../../src/core/coordinator.js';
import { createStore } from '../../src/store/create-store.js';
import type { Store } from '../../src/store/port.js';
import type { Signal } from '../../src/protocol/signal.js';
import { FAST, OTHER_SECRET, SECRET } from '../support/coordinators.js';
import { recordingLogger } from '../support/recording-logger.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { agentEnv, cli, describe, line, startAgent } from './agent-support.js';

let redis: RedisServer;
let store: Store;
const library: BlockingCoordinator[] = [];

before(async () => {
  redis = await startRedis();
  store = await createStore({ url: redis.url, breaker: false });
});

after(async () => {
  await Promise.all(library.map((coordinator) => coordinator.stop()));
  await store?.close();
  await redis?.stop();
});

async function coordinator(id: string, swarmId: string, secret = SECRET): Promise<BlockingCoordinator> {
  const made = new BlockingCoordinator({ id, swarmId, store, secret, logger: recordingLogger(), env: {}, ...FAST });
  library.push(made);
  await made.start();
  return made;
}

test('an agent receives a signal a library coordinator sent and answers it in its ACK', { timeout: 30_000 }, async () => {
  const env = agentEnv(redis.url);
  const agent = await startAgent('cli-validator', 'round-1', env);
  try {
    const owner = await coordinator('lib-owner', 'round-1');
    const { messageId } = await owner.sendSignal('cli-validator', 'validate', { iteration: 1, payload: { task: 'review' } });

    const waited = await cli(['agent', 'wait', '--id', 'cli-validator', '--type', 'validate', '--from', 'lib-owner', '--iteration', '1', '--timeout', '5s'], env);
    assert.equal(waited.code, 0, describe(waited));
    const signal = line<Signal>(waited);
    assert.equal(signal.messageId, messageId);
    assert.deepEqual(signal.payload, { task: 'review' });

    const acked = await cli(['agent', 'ack', '--id', 'cli-validator', messageId, '--status', 'approved', '--result', '{"confidence":0.92}'], env);
    assert.equal(acked.code, 0, describe(acked));
    const acks = await owner.waitForAcks<{ confidence: number }>(['cli-validator'], messageId, { timeoutMs: 5_000 });
    assert.equal(acks.get('cli-validator')?.status, 'approved');
    assert.deepEqual(acks.get('cli-validator')?.result, { confidence: 0.92 });
  } finally {
    await agent.stop();
  }
});

test('an agent sends and waits for the ACKs, printed with their results', { timeout: 30_000 }, async () => {
  const env = agentEnv(redis.url);
  const agent = await startAgent('cli-owner', 'round-2', env);
  try {
    const validators = await Promise.all(['lib-v1', 'lib-v2'].map((id) => coordinator(id, 'round-2')));
    const sent = await cli(['agent', 'send', '--id', 'cli-owner', '--to', 'lib-v1', '--type', 'validate', '--payload', '{"n":1}', '--iteration', '2', '--idempotency-key', 'task-9.validate.2'], env);
    assert.equal(sent.code, 0, describe(sent));
    const { messageId, isDuplicate } = line<{ messageId: string; isDuplicate: boolean }>(sent);
    assert.equal(isDuplicate, false);
    const again = await cli(['agent', 'send', '--id', 'cli-owner', '--to', 'lib-v1', '--type', 'validate', '--payload', '{"n":1}', '--iteration', '2', '--idempotency-key', 'task-9.validate.2'], env);
    assert.deepEqual(line(again), { to: 'lib-v1', messageId, isDuplicate: true }, 'a retry with the key is delivered once');

    const received = await validators[0]!.blockUntilSignal({ timeoutMs: 5_000 });
    assert.equal(received.messageId, messageId);
    assert.deepEqual(received.payload, { n: 1 });
    await validators[0]!.acknowledge(received, { status: 'processed', result: { vote: 'yes' } });

    const waited = await cli(['agent', 'wait-acks', '--id', 'cli-owner', messageId, '--from', 'lib-v1', '--timeout', '5s'], env);
    assert.equal(waited.code, 0, describe(waited));
    assert.deepEqual(line(waited).result, { vote: 'yes' });

    // lib-v2 never got it: a timeout prints what came (nothing) and exits 124.
    const missing = await cli(['agent', 'wait-acks', '--id', 'cli-owner', messageId, '--from', 'lib-v1,lib-v2', '--timeout', '300ms'], env);
    assert.equal(missing.code, 124, describe(missing));
    assert.equal(line(missing).coordinatorId, 'lib-v1');
    assert.match(missing.stderr, /RDV_ERR_TIMEOUT.*lib-v2/);
  } finally {
    await agent.stop();
  }
});

test('signals come in order across wait calls, an acknowledged one never again, an unacknowledged one again after a restart', { timeout: 30_000 }, async () => {
  const env = agentEnv(redis.url);
  const sender = await coordinator('lib-sender', 'round-3');
  const first = await sender.sendSignal('cli-ordered', 'wake', { payload: 1 });
  const second = await sender.sendSignal('cli-ordered', 'wake', { payload: 2 });
  const wait = (timeout = '5s') => cli(['agent', 'wait', '--id', 'cli-ordered', '--timeout', timeout], env);

  let agent = await startAgent('cli-ordered', 'round-3', env);
  try {
    const one = await wait();
    assert.equal(line(one).messageId, first.messageId, describe(one));
    assert.equal((await cli(['agent', 'ack', '--id', 'cli-ordered', first.messageId], env)).code, 0);
    const two = await wait();
    assert.equal(line(two).messageId, second.messageId, describe(two));
    const none = await wait('300ms');
    assert.equal(none.code, 124, `a taken signal is not handed out twice by one agent: ${describe(none)}`);
    assert.match(none.stderr, /^rendezvous agent wait: RDV_ERR_TIMEOUT: /);
  } finally {
    const stopped = await agent.stop();
    assert.equal(stopped.code, 0, stopped.stderr);
  }

  agent = await startAgent('cli-ordered', 'round-3', env);
  try {
    const again = await wait();
    assert.equal(line(again).messageId, second.messageId, 'the unacknowledged signal is delivered again, the acknowledged one is not');
    assert.equal((await cli(['agent', 'ack', '--id', 'cli-ordered', second.messageId], env)).code, 0);
    assert.equal((await wait('300ms')).code, 124);
    const twice = await cli(['agent', 'ack', '--id', 'cli-ordered', second.messageId], env);
    assert.equal(twice.code, 3, describe(twice));
  } finally {
    await agent.stop();
  }
});

test('wait filters as blockUntilSignal does: what does not match stays, in order, for a later wait', { timeout: 30_000 }, async () => {
  const env = agentEnv(redis.url);
  const agent = await startAgent('cli-filtered', 'round-9', env);
  try {
    const [a, b] = await Promise.all([coordinator('lib-a', 'round-9'), coordinator('lib-b', 'round-9')]);
    const status = await a.sendSignal('cli-filtered', 'status_update', { iteration: 1 });
    const early = await b.sendSignal('cli-filtered', 'validate', { iteration: 1 });
    const wanted = await b.sendSignal('cli-filtered', 'validate', { iteration: 2 });
    const wait = (...args: string[]) => cli(['agent', 'wait', '--id', 'cli-filtered', '--timeout', '5s', ...args], env);
    assert.equal(line(await wait('--type', 'validate,completion', '--from', 'lib-b', '--iteration', '2')).messageId, wanted.messageId);
    assert.equal(line(await wait('--from', 'lib-a,lib-c')).messageId, status.messageId);
    assert.equal(line(await wait()).messageId, early.messageId);
  } finally {
    await agent.stop();
  }
});

/** A caller that takes a signal over the socket, as `agent wait` does, but dies without confirming it printed it; `vanish` closes it. */
function rawWait(socketPath: string, id: string): Promise<{ messageId: string; vanish(): void }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath, () => socket.write(`${JSON.stringify({ v: 1, id, op: 'wait', timeoutMs: 5_000 })}\n`));
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve({ messageId: (JSON.parse(text) as { value: Signal }).value.messageId, vanish: () => socket.destroy() });
    });
    socket.on('error', reject);
  });
}

/** Until the agent's heartbeat reports a wait in progress. */
async function untilWaiting(client: Redis, id: string): Promise<void> {
  for (;;) {
    const beat = JSON.parse((await client.get(`blocking:heartbeat:${id}`)) ?? '{}') as { status?: string };
    if (beat.status === 'waiting') return;
    await delay(20); // a poll of a condition, bounded by the test's timeout
  }
}

test('a signal handed to a caller that vanished before confirming goes to a wait in progress, or the next wait', { timeout: 30_000 }, async () => {
  const env = agentEnv(redis.url);
  const agent = await startAgent('cli-crashy', 'round-4', env);
  const client = new Redis(redis.url);
  try {
    const sender = await coordinator('lib-sender-4', 'round-4');
    const first = await sender.sendSignal('cli-crashy', 'wake');
    const taken = await rawWait(agent.ready.socket, 'cli-crashy');
    assert.equal(taken.messageId, first.messageId);
    taken.vanish();
    const next = await cli(['agent', 'wait', '--id', 'cli-crashy', '--timeout', '5s'], env);
    assert.equal(line(next).messageId, first.messageId, describe(next));

    const second = await sender.sendSignal('cli-crashy', 'wake');
    const again = await rawWait(agent.ready.socket, 'cli-crashy');
    assert.equal(again.messageId, second.messageId);
    const waiting = cli(['agent', 'wait', '--id', 'cli-crashy', '--timeout', '5s'], env);
    await untilWaiting(client, 'cli-crashy');
    again.vanish();
    const woken = await waiting;
    assert.equal(line(woken).messageId, second.messageId, describe(woken));
  } finally {
    client.disconnect();
    await agent.stop();
  }
});

test('failures exit with their documented codes and one RDV_ERR line', { timeout: 30_000 }, async () => {
  const env = agentEnv(redis.url);
  const agent = await startAgent('cli-errors', 'round-5', env);
  try {
    // A wait that times out: 124.
    const timedOut = await cli(['agent', 'wait', '--id', 'cli-errors', '--timeout', '200ms', '--json'], env);
    assert.equal(timedOut.code, 124, describe(timedOut));
    assert.equal((JSON.parse(timedOut.stderr) as { error: { code: string } }).error.code, 'RDV_ERR_TIMEOUT');
    // No agent with that id: 3.
    const unknown = await cli(['agent', 'wait', '--id', 'nobody-here', '--timeout', '1s'], env);
    assert.equal(unknown.code, 3, describe(unknown));
    assert.match(unknown.stderr, /^rendezvous agent wait: RDV_ERR_NOT_FOUND: no agent nobody-here is running/);
    // A socket that serves another id: 3.
    const wrong = await cli(['agent', 'ack', '--id', 'someone-else', '--socket', agent.ready.socket, 'x:wake:1'], env);
    assert.equal(wrong.code, 3, describe(wrong));
    // An unknown messageId: 3.
    const noSignal = await cli(['agent', 'ack', '--id', 'cli-errors', 'lib:wake:1'], env);
    assert.equal(noSignal.code, 3, describe(noSignal));
    // Bad flags: 2.
    const badFlags = [
      ['agent', 'wait', '--id', 'cli-errors', '--timeout', 'soon'],
      ['agent', 'wait', '--id', 'cli-errors', '--iteration', '-1'],
      ['agent', 'wait', '--id', 'bad id'],
      ['agent', 'wait'],
      ['agent', 'wait', '--id', 'cli-errors', '--no-such-flag'],
      ['agent', 'send', '--id', 'cli-errors', '--to', 'x'],
      ['agent', 'send', '--id', 'cli-errors', '--to', 'x', '--type', 'wake', '--payload', '{oops'],
      ['agent', 'ack', '--id', 'cli-errors', 'x:wake:1', '--result', '@/nonexistent/file.json'],
    ];
    const runs = await Promise.all(badFlags.map((args) => cli(args, env)));
    runs.forEach((run, i) => {
      assert.equal(run.code, 2, `${badFlags[i]!.join(' ')}: ${describe(run)}`);
      assert.ok(run.stderr.trim().length > 0);
    });
    // A second agent with the same id on this machine: 2, and the first one still serves.
    const twin = await cli(['agent', 'run', '--id', 'cli-errors', '--swarm', 'round-5'], env);
    assert.equal(twin.code, 2, describe(twin));
    assert.match(twin.stderr, /RDV_ERR_INVALID_CONFIG: .*already listens/);
    assert.equal((await cli(['agent', 'ready', '--id', 'cli-errors'], env)).code, 0);
  } finally {
    await agent.stop();
  }
});

test('a wait in progress when the agent is stopped ends with 1 (RDV_ERR_STOPPED), and the agent deregisters', { timeout: 30_000 }, async () => {
  const env = agentEnv(redis.url);
  const agent = await startAgent('cli-stopping', 'round-8', env);
  const client = new Redis(redis.url);
  try {
    const waiting = cli(['agent', 'wait', '--id', 'cli-stopping', '--timeout', '20s'], env);
    await untilWaiting(client, 'cli-stopping');
    const stopped = await agent.stop();
    assert.equal(stopped.code, 0, stopped.stderr);
    const run = await waiting;
    assert.equal(run.code, 1, describe(run));
    assert.match(run.stderr, /RDV_ERR_STOPPED/);
    assert.equal(await client.exists('blocking:heartbeat:cli-stopping'), 0);
  } finally {
    client.disconnect();
    await agent.stop();
  }
});

test('a signal signed with another secret is not delivered: the wait says so (5)', { timeout: 30_000 }, async () => {
  const env = agentEnv(redis.url);
  const agent = await startAgent('cli-secret', 'round-6', env);
  try {
    const stranger = await coordinator('lib-stranger', 'round-6', OTHER_SECRET);
    await stranger.sendSignal('cli-secret', 'wake');
    const run = await cli(['agent', 'wait', '--id', 'cli-secret', '--timeout', '1s'], env);
    assert.equal(run.code, 5, describe(run));
    assert.match(run.stderr, /RDV_ERR_INVALID_SIGNAL: .*did not verify/);
  } finally {
    await agent.stop();
  }
});

test('agent run: no Redis, no secret, a short secret fail at start with their codes', { timeout: 30_000 }, async () => {
  const closed = await new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
  const cases: [NodeJS.ProcessEnv, number, RegExp][] = [
    [agentEnv(`redis://127.0.0.1:${closed}`), 4, /RDV_ERR_STORE_UNAVAILABLE/],
    [{ ...agentEnv(redis.url), REDIS_URL: '' }, 2, /RDV_ERR_INVALID_CONFIG: .*REDIS_URL/],
    [{ ...agentEnv(redis.url), BLOCKING_COORDINATION_SECRET: '' }, 2, /RDV_ERR_SECRET_MISSING/],
    [agentEnv(redis.url, { BLOCKING_COORDINATION_SECRET: 'short' }), 2, /RDV_ERR_SECRET_TOO_SHORT/],
  ];
  await Promise.all(
    cases.map(async ([env, code, message]) => {
      const run = await cli(['agent', 'run', '--id', 'cli-doomed', '--swarm', 'round-7'], env);
      assert.equal(run.code, code, describe(run));
      assert.match(run.stderr, message);
    }),
  );
});

test('every agent command has --help', { timeout: 30_000 }, async () => {
  const env = agentEnv(redis.url);
  const runs = await Promise.all(['run', 'ready', 'wait', 'ack', 'send', 'wait-acks'].map((name) => cli(['agent', name, '--help'], env)));
  for (const run of runs) {
    assert.equal(run.code, 0, describe(run));
    assert.match(run.stdout, /Exit codes: /);
  }
});
