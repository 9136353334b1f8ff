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
test('a blocking read whose server died ends at once on abort, and at once on close()', { timeout: 20_000 }, async () => {
  const server = await startRedis();
  const base = new Redis(server.port, server.host, { retryStrategy: () => 60_000, maxRetriesPerRequest: null });
  base.on('error', () => undefined);
  const connections = new BlockingConnections(base, recordingLogger());
  try {
    const stream = 't:{blocking}:events';
    const reading = (signal?: AbortSignal) => {
      let borrowed!: (connection: Redis) => void;
      const connection = new Promise<Redis>((resolve) => (borrowed = resolve));
      const result = connections.use(
        (c) => {
          borrowed(c as Redis);
          return (c as Redis).xread('BLOCK', 60_000, 'STREAMS', stream, '$').then(() => 'read');
        },
        60_000,
        signal,
        'given up',
      );
      return { connection, result };
    };
    const aborted = new AbortController();
    const first = reading(aborted.signal);
    const second = reading();
    const [a, b] = await Promise.all([first.connection, second.connection]);
    await Promise.all([a, b].map((c) => (c.status === 'ready' ? undefined : once(c, 'ready'))));
    const waitingToReconnect = Promise.all([once(a, 'reconnecting'), once(b, 'reconnecting')]);
    server.process.kill('SIGKILL');
    await waitingToReconnect; // each read is now queued until a reconnection that will not come soon

    aborted.abort();
    assert.equal(await first.result, 'given up', 'the abort ends the read');
    connections.close();
    assert.equal(await second.result, 'given up', 'close() ends a read in progress');
    assert.equal(await connections.use(() => Promise.resolve('read'), 1, undefined, 'given up'), 'given up', 'no read starts after close()');
  } finally {
    base.disconnect();
    await server.stop();
  }
});
