/** The event stream's bounded per-client buffer: a client that stops reading is dropped and counted; the others keep theirs. */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { test } from 'node:test';
import { EventHub } from '../../src/server/events/event-hub.js';
import { recordingLogger } from '../support/recording-logger.js';
import { until } from '../support/until.js';

test('a client that stops reading is dropped once its unsent bytes pass the bound; a reading client is kept', async () => {
  const logger = recordingLogger();
  let drops = 0;
  const hub = new EventHub({ maxBufferBytes: 256 * 1024, keepaliveMs: 60_000, logger, onDrop: () => (drops += 1) });
  const server = createServer((_request, response) => hub.attach(response));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const request = `GET /api/events HTTP/1.1\r\nHost: x\r\n\r\n`;

  const slow = connect(port, '127.0.0.1');
  slow.write(request);
  slow.pause(); // reads nothing: the kernel buffers fill, then the server's
  let received = 0;
  const fast = connect(port, '127.0.0.1');
  fast.write(request);
  fast.on('data', (chunk: Buffer) => (received += chunk.length));
  await until('both attached', async () => hub.clients === 2);

  try {
    const filler = 'x'.repeat(16 * 1024);
    let sent = 0;
    for (let i = 0; i < 2_000 && hub.dropped === 0; i += 1) {
      hub.publish({ type: 'signal', at: i, swarmId: 's', filler });
      sent += filler.length;
      await new Promise((resolve) => setTimeout(resolve, 1)); // the reading client keeps up; the other does not read at all
    }
    assert.equal(hub.dropped, 1, `dropped after ${sent} bytes`);
    assert.equal(drops, 1);
    assert.equal(hub.clients, 1, 'the reading client stays');
    assert.ok(sent < 64 * 1024 * 1024, 'dropped long before the whole stream was buffered');
    assert.ok(logger.records.some((record) => /too slow: dropped/.test(record.msg ?? '')), 'a counted log line');
    hub.publish({ type: 'leader', at: 1, namespace: 'n', leaderId: 'w', epoch: 1 });
    await until('the reading client got it all', async () => received > sent);
    hub.close();
    assert.equal(hub.clients, 0);
  } finally {
    hub.close();
    slow.destroy();
    fast.destroy();
    server.close();
  }
});
