/**
 * Diagnostic: CPU cost of the per-message protocol work a round trip does in JS (sign + encode,
 * parse + schema + verify), for one signal and one ACK, in a tight loop.
 *
 *   npx tsx bench/tools/codec-cost.ts [iterations]
 */
import { createHmac } from 'node:crypto';
import { decodeAck, encodeAck } from '../../src/protocol/ack.js';
import { Keyring } from '../../src/protocol/keyring.js';
import { decodeSignal, encodeSignal } from '../../src/protocol/signal.js';
import { elapsedUs, mark } from '../timer.js';

const iterations = Number(process.argv[2] ?? 50_000);
const keyring = new Keyring(Buffer.alloc(32, 7));
const now = Date.now();

function cost(name: string, op: (i: number) => unknown): void {
  for (let i = 0; i < iterations; i += 1) op(i); // warm-up
  const start = mark();
  for (let i = 0; i < iterations; i += 1) op(i);
  console.log(`  ${name.padEnd(44)} ${(elapsedUs(start) / iterations).toFixed(2).padStart(6)} µs`);
}

const unsigned = { senderId: 'bench-sender', receiverId: 'bench-receiver', type: 'wake', timestamp: now, iteration: 7 };
const { body: signalBody } = encodeSignal(unsigned, keyring);
const unsignedAck = { messageId: `bench-sender:wake:${now}`, coordinatorId: 'bench-receiver', senderId: 'bench-sender', status: 'received', timestamp: now, iteration: 7 };
const { body: ackBody } = encodeAck(unsignedAck, keyring);

console.log(`per-message protocol cost, mean over ${iterations} (µs)`);
cost('HMAC-SHA256 hex of 60 bytes (createHmac)', (i) => createHmac('sha256', Buffer.alloc(32, 7)).update(`x:${i}`).digest('hex'));
cost('encodeSignal (sign + JSON)', (i) => encodeSignal({ ...unsigned, timestamp: now + i }, keyring));
cost('decodeSignal (JSON + zod + verify)', () => decodeSignal(signalBody, now, { keyring, receiverId: 'bench-receiver', replayWindowMs: 300_000 }));
cost('encodeAck (sign + JSON)', (i) => encodeAck({ ...unsignedAck, timestamp: now + i }, keyring));
cost('decodeAck (JSON + zod + verify)', () => decodeAck(ackBody, now, { keyring, senderId: 'bench-sender', replayWindowMs: 300_000 }));
