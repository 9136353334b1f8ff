/**
 * Diagnostic: what the round trip's Redis traffic costs with no library code around it, on a
 * private redis-server through ioredis, sequential, in one process (as the benchmark runs).
 *
 *   npx tsx bench/tools/redis-floor.ts [iterations]
 *
 * - ping: one request/reply (the unit every client-issued command costs);
 * - blocked wake: XADD on one connection wakes an XREAD BLOCK on another;
 * - raw signal+ack: the round trip's command shape: XADD signal -> receiver's XREADGROUP BLOCK
 *   wakes -> EXISTS -> XADD ack notice -> sender's XREAD BLOCK wakes (sender's snapshot read in
 *   parallel, like waitForAcks), receiver re-arms its XREADGROUP.
 */
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
  const aBlock = new Redis(server.url);
  const bBlock = new Redis(server.url);
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

    // The round trip's command shape with raw commands; `variant` drops one step to price it.
    type Variant = { name: string; exists: boolean; snapshot: boolean };
    const variants: Variant[] = [
      { name: 'raw signal+ack (6 commands)', exists: true, snapshot: true },
      { name: '  without receiver EXISTS', exists: false, snapshot: true },
      { name: '  without sender snapshot', exists: true, snapshot: false },
      { name: '  without both', exists: false, snapshot: false },
    ];
    for (const [v, variant] of variants.entries()) {
      const inbox = `inbox-${v}`;
      const notices = `notices-${v}`;
      await b.xgroup('CREATE', inbox, 'g', '$', 'MKSTREAM');
      const receiver = async (): Promise<void> => {
        // Loop: block for a signal, check "processed", write the ack notice, re-arm.
        for (;;) {
          const reply = (await bBlock.xreadgroup('GROUP', 'g', 'r', 'COUNT', 100, 'BLOCK', 5_000, 'STREAMS', inbox, '>')) as [string, [string, string[]][]][] | null;
          if (reply === null) return;
          for (const [id, fields] of reply[0]![1]) {
            if (fields[1] === 'stop') return;
            if (variant.exists) await b.exists(`ack:${id}`);
            await b.xadd(notices, '*', 'm', fields[1]!);
          }
        }
      };
      const loop = receiver();
      let cursor = (await a.xadd(notices, '*', 'm', 'start')) ?? '0-0';
      await measure(variant.name, async (i) => {
        await a.xadd(inbox, '*', 'm', String(i));
        if (variant.snapshot) {
          // Like the ack-snapshot script: newest notice id, and whether our ACK is already there
          // (sequential, so the newest notice is the only one that can be ours).
          const newest = (await a.xrevrange(notices, '+', '-', 'COUNT', 1))[0];
          if (newest?.[1][1] === String(i)) return;
          cursor = newest?.[0] ?? cursor;
        }
        for (;;) {
          const reply = (await aBlock.xread('COUNT', 100, 'BLOCK', 5_000, 'STREAMS', notices, cursor)) as [string, [string, string[]][]][] | null;
          const entries = reply?.[0]?.[1] ?? [];
          cursor = entries.at(-1)?.[0] ?? cursor;
          if (entries.some(([, f]) => f[1] === String(i))) return;
        }
      });
      await a.xadd(inbox, '*', 'm', 'stop');
      await loop;
    }
  } finally {
    for (const c of [a, b, aBlock, bBlock]) c.disconnect();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
