/** Splits a socket's bytes into newline-terminated lines, bounded in bytes (a peer that never ends a line is cut off). */
import type { Socket } from 'node:net';
import { MAX_LINE_BYTES } from './wire.js';

export function onLines(socket: Socket, line: (text: string) => void, tooLong: () => void): void {
  let chunks: Buffer[] = [];
  let size = 0;
  socket.on('data', (data: Buffer) => {
    let start = 0;
    for (let nl = data.indexOf(10); nl !== -1; nl = data.indexOf(10, start)) {
      chunks.push(data.subarray(start, nl));
      const text = Buffer.concat(chunks).toString('utf8');
      chunks = [];
      size = 0;
      start = nl + 1;
      line(text);
    }
    if (start < data.length) {
      // A copy: a subarray would keep the whole chunk alive.
      chunks.push(Buffer.from(data.subarray(start)));
      size += data.length - start;
      if (size > MAX_LINE_BYTES) {
        chunks = [];
        tooLong();
      }
    }
  });
}
