/**
 * Diagnostic: what the round trip's Redis traffic costs with no library code around it, on a
 * private redis-server through ioredis, sequential, in one process (as the benchmark runs).
 *
 *   npx tsx bench/tools/redis-floor.ts [iterations]
 *
 * - ping: one request/reply (the unit every client-issued command costs);
 * - blocked wake: XADD on one connection wakes an XREAD BLOCK on another;
 * - pushed wake: PUBLISH on one connection reaches a subscriber on another;
 * - raw push round trip: the round trip's shape (see main), without and with the PING sent ahead.
 */
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { startRedis } from '../../test/support/redis-server.js';
import { summarize } from '../stats.js';
import { elapsedUs, mark } from '../timer.js';

const iterations = Number(process.argv[2] ?? 5_000);
const warmup = Math.max(500, iterations / 10);

async function measure(name: string, op: (i: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < warmup; i += 1) await op(i);
  const samples: number[] = [];
  const loopStart = mark();
  for (let i = 0; i < iterations; i += 1) {
    const start = mark();
    await op(warmup + i);
    samples.push(elapsedUs(start));
  }
  const s = summarize(samples, elapsedUs(loopStart) / 1_000);
  console.log(`${name.padEnd(28)} p50 ${Math.round(s.p50Us).toString().padStart(5)} µs  p99 ${Math.round(s.p99Us).toString().padStart(5)} µs  ${Math.round(s.ratePerSec)}/s`);
}

async function main(): Promise<void> {
  const server = await startRedis();
  const a = new Redis(server.url);
  const b = new Redis(server.url);
  const bBlock = new Redis(server.url);
  const aSub = new Redis(server.url);
  const bSub = new Redis(server.url);
  try {
    await measure('ping', async () => {
      await a.ping();
    });

    let last = (await a.xadd('wake', '*', 'i', 'start')) ?? '0-0';
    await measure('blocked wake (XADD->XREAD)', async (i) => {
      const read = bBlock.xread('BLOCK', 1_000, 'STREAMS', 'wake', last);
      last = (await a.xadd('wake', '*', 'i', String(i))) ?? last;
      await read;
    });

    await bSub.subscribe('wake');
    await measure('pushed wake (PUBLISH->sub)', async () => {
      const got = once(bSub, 'message');
      await a.publish('wake', 'x');
      await got;
    });

    // The round trip's shape with no library code: a script appends and publishes the signal to
    // the receiver's channel; the receiver, on the push, runs a script that appends and publishes
    // the ACK notice to the sender's channel; the sender's push ends it. With `pingFirst`, each
    // script goes with a PING ahead in the same write, as the store sends them.
    const script = 'redis.call("XADD", KEYS[1], "*", "m", ARGV[2]) redis.call("PUBLISH", ARGV[1], ARGV[2]) return 1';
    const run = (client: Redis, pingFirst: boolean, key: string, channel: string, message: string): Promise<unknown> =>
      pingFirst ? client.pipeline().ping().eval(script, 1, key, channel, message).exec() : client.eval(script, 1, key, channel, message);
    await bSub.subscribe('inbox-b');
    await aSub.subscribe('notices-a');
    for (const pingFirst of [false, true]) {
      const answer = (channel: string, message: string) => void (channel === 'inbox-b' && run(b, pingFirst, 'notices', 'notices-a', message));
      bSub.on('message', answer);
      await measure(`raw push round trip${pingFirst ? ', PING first' : ''}`, async (i) => {
        const acked = once(aSub, 'message');
        await run(a, pingFirst, 'inbox', 'inbox-b', String(i));
        await acked;
      });
      bSub.off('message', answer);
    }
  } finally {
    for (const c of [a, b, bBlock, aSub, bSub]) c.disconnect();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
