/**
 * Diagnostic: two builds of the library side by side in one process, CPU per sequential round
 * trip, in alternating blocks (the order swapped every block), so that both see the same machine.
 * Each side is a sender and a receiver on a store of its own (Redis: one private redis-server for
 * both; or the embedded store). Build the "before" first, e.g.:
 *
 *   git worktree add /tmp/before <commit> && (cd /tmp/before && npm ci && npm run build)
 *   A=/tmp/before/dist/index.js B=./dist/index.js npx tsx bench/tools/ab-round-trip.ts [redis|memory] [blocks] [per block]
 *
 * Prints each side's median CPU per round trip and the median of B − A over the blocks. Run it
 * again with A and B swapped: what remains of the difference in both orders is the change's.
 */
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Library from '../../src/index.js';
import { startRedis } from '../../test/support/redis-server.js';

const kind = process.argv[2] ?? 'redis';
const blocks = Number(process.argv[3] ?? 30);
const perBlock = Number(process.argv[4] ?? 500);

type RoundTrip = () => Promise<void>;

async function load(modulePath: string | undefined, name: string): Promise<typeof Library> {
  if (!modulePath) throw new Error(`set ${name} to a build's index.js (see the comment at the top)`);
  return (await import(pathToFileURL(path.resolve(modulePath)).href)) as typeof Library;
}

/** A sender and a receiver that acknowledges every `wake`; returns the round trip and the teardown. */
async function pair(lib: typeof Library, tag: string, url: string | undefined): Promise<{ roundTrip: RoundTrip; close(): Promise<void> }> {
  const store = await lib.createStore(url ? { url } : { kind: 'memory' });
  const secret = randomBytes(32).toString('hex');
  const options = { store, secret, swarmId: `ab-${tag}`, maxSendsPerSecond: 1_000_000 };
  const sender = new lib.BlockingCoordinator({ id: `sender-${tag}`, ...options });
  const receiver = new lib.BlockingCoordinator({ id: `receiver-${tag}`, ...options });
  await Promise.all([sender.start(), receiver.start()]);
  const stop = new AbortController();
  setMaxListeners(0, stop.signal);
  const loop = (async () => {
    for (;;) {
      let signal: Library.Signal;
      try {
        signal = await receiver.blockUntilSignal({ types: 'wake', from: sender.id, signal: stop.signal });
      } catch (error) {
        if (error instanceof lib.AbortedError || error instanceof lib.CoordinatorStoppedError) return;
        throw error;
      }
      await receiver.acknowledge(signal);
    }
  })();
  let iteration = 0;
  const roundTrip: RoundTrip = async () => {
    const { messageId } = await sender.sendSignal(receiver.id, 'wake', { iteration: iteration++ });
    const acks = await sender.waitForAcks([receiver.id], messageId, { timeoutMs: 10_000 });
    if (!acks.has(receiver.id)) throw new Error(`no ACK for ${messageId}`);
  };
  return {
    roundTrip,
    async close() {
      stop.abort();
      await loop;
      await Promise.all([sender.stop(), receiver.stop()]);
      await store.close();
    },
  };
}

async function cpuPerRoundTrip(roundTrip: RoundTrip, n: number): Promise<number> {
  const before = process.cpuUsage();
  for (let i = 0; i < n; i += 1) await roundTrip();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / n;
}

const median = (values: readonly number[]): number => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const [libA, libB] = [await load(process.env.A, 'A'), await load(process.env.B, 'B')];
  const server = kind === 'redis' ? await startRedis() : undefined;
  try {
    const a = await pair(libA, 'a', server?.url);
    const b = await pair(libB, 'b', server?.url);
    try {
      // Past the coordinators' first second (signals stamped then are checked in the store), and warm.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      for (let i = 0; i < 3_000; i += 1) {
        await a.roundTrip();
        await b.roundTrip();
      }
      const cpuA: number[] = [];
      const cpuB: number[] = [];
      for (let block = 0; block < blocks; block += 1) {
        if (block % 2 === 0) {
          cpuA.push(await cpuPerRoundTrip(a.roundTrip, perBlock));
          cpuB.push(await cpuPerRoundTrip(b.roundTrip, perBlock));
        } else {
          cpuB.push(await cpuPerRoundTrip(b.roundTrip, perBlock));
          cpuA.push(await cpuPerRoundTrip(a.roundTrip, perBlock));
        }
      }
      const diff = median(cpuA.map((x, i) => cpuB[i]! - x));
      console.log(`${kind}: CPU per round trip, median of ${blocks} blocks of ${perBlock}: A ${median(cpuA).toFixed(1)} µs, B ${median(cpuB).toFixed(1)} µs; B − A ${diff.toFixed(1)} µs (${((100 * diff) / median(cpuA)).toFixed(1)} %)`);
    } finally {
      await a.close();
      await b.close();
    }
  } finally {
    await server?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
