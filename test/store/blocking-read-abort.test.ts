import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { BlockingConnections } from '../../src/store/redis/blocking-connections.js';
import { recordingLogger } from '../support/recording-logger.js';
import { startRedis } from '../support/redis-server.js';

/**
 * ioredis keeps a command queued on a connection that waits to reconnect, and disconnect() in that
 * state settles nothing: a read given up on must not wait for its command.
 */
test('a blocking read queued on a connection waiting to reconnect ends at once on abort, and at once on close()', { timeout: 20_000 }, async () => {
  const server = await startRedis();
  // As createStore's clients, but the next reconnection attempt is a minute away.
  const base = new Redis(server.port, server.host, { retryStrategy: () => 60_000, maxRetriesPerRequest: 3 });
  base.on('error', () => undefined);
  const connections = new BlockingConnections(base, recordingLogger());
  try {
    // Two reads that answer at once leave two idle connections in the pool.
    const pooled: Redis[] = [];
    await Promise.all([0, 1].map(() => connections.use((c) => (pooled.push(c as Redis), (c as Redis).ping()), 1_000, undefined, 'given up')));
    const waitingToReconnect = Promise.all(pooled.map((c) => once(c, 'reconnecting')));
    server.process.kill('SIGKILL');
    await waitingToReconnect;

    // Each read now borrows one of them: its command waits in the offline queue.
    const read = (signal?: AbortSignal) => connections.use((c) => (c as Redis).xread('BLOCK', 60_000, 'STREAMS', 't:{blocking}:events', '$').then(() => 'read'), 60_000, signal, 'given up');
    const aborted = new AbortController();
    const first = read(aborted.signal);
    const second = read();
    aborted.abort();
    assert.equal(await first, 'given up', 'the abort ends the read');
    connections.close();
    assert.equal(await second, 'given up', 'close() ends a read in progress');
    assert.equal(await connections.use(() => Promise.resolve('read'), 1, undefined, 'given up'), 'given up', 'no read starts after close()');
  } finally {
    connections.close();
    base.disconnect();
    await server.stop();
  }
});
