/**
 * Diagnostic: where one Redis round trip's time goes. Wraps the Store in a recorder (no change to
 * src/), runs sequential round trips, and reports the median time of each step relative to the
 * send, so the critical path splits into store calls (network + Redis) and library code between.
 *
 *   npx tsx bench/tools/trace-round-trip.ts [iterations]
 */
import '../quiet.js';
import { BlockingCoordinator, createStore, type Store } from '../../src/index.js';
import { startRedis } from '../../test/support/redis-server.js';
import { respondLoop, withLoops } from '../coordinators.js';
import { newSecret } from '../scenario.js';
import { percentile } from '../stats.js';
import { elapsedUs, mark } from '../timer.js';

interface Call {
  op: string;
  startUs: number;
  endUs: number;
}

const iterations = Number(process.argv[2] ?? 5_000);
const origin = mark();
let calls: Call[] = [];

/** A Store whose every method call is recorded with its start and end time. */
function recording(store: Store): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const op = String(property);
      return (...args: unknown[]) => {
        const call: Call = { op, startUs: elapsedUs(origin), endUs: Number.NaN };
        calls.push(call);
        const result = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (result instanceof Promise) {
          return result.finally(() => {
            call.endUs = elapsedUs(origin);
          });
        }
        call.endUs = call.startUs;
        return result;
      };
    },
  });
}

async function main(): Promise<void> {
  const server = await startRedis();
  const base = await createStore({ url: server.url });
  try {
    const store = recording(base);
    const secret = newSecret();
    const make = (id: string) => new BlockingCoordinator({ id, store, secret, swarmId: 'trace' });
    const sender = make('trace-sender');
    const receiver = make('trace-receiver');
    await Promise.all([sender.initialize(), receiver.initialize()]);
    const traces: { t0: number; t1: number; calls: Call[] }[] = [];
    await withLoops(
      [sender, receiver],
      (stop) => [respondLoop(receiver, { types: 'wake' }, async (s) => void (await receiver.acknowledge(s)), stop)],
      async () => {
        for (let i = 0; i < 1_000 + iterations; i += 1) {
          calls = [];
          const t0 = elapsedUs(origin);
          const { messageId } = await sender.sendSignal('trace-receiver', 'wake', { iteration: i });
          const acks = await sender.waitForAcks(['trace-receiver'], messageId, 10_000);
          if (acks.size !== 1) throw new Error('no ACK');
          const t1 = elapsedUs(origin);
          if (i >= 1_000) traces.push({ t0, t1, calls });
        }
      },
    );

    // The steps of a round trip, relative to the send (t0). A blocking read is issued before t0
    // (the previous round trip re-arms it), so only its end is a step.
    const steps = new Map<string, number[]>();
    const add = (name: string, value: number): void => void (steps.get(name) ?? steps.set(name, []).get(name)!).push(value);
    let complete = 0;
    for (const { t0, t1, calls: cs } of traces) {
      const first = (op: string) => cs.find((c) => c.op === op);
      const append = first('appendSignal');
      const snapshot = first('ackSnapshot');
      const read = first('readNew');
      const processed = first('isProcessed');
      const ack = first('acknowledge');
      const notice = cs.find((c) => c.op === 'readAckNotices' && c.endUs <= t1 + 1);
      if (!append || !ack) continue;
      complete += 1;
      add('a. sendSignal: JS before appendSignal', append.startUs - t0);
      add('b. appendSignal (EVALSHA) call', append.endUs - append.startUs);
      // Since the ACK cursor comes back from the append and the replay check is local, the
      // snapshot and EXISTS are usually absent; they are shown when they happen.
      if (snapshot) add('c. sender: ackSnapshot (EVALSHA) call, when made', snapshot.endUs - snapshot.startUs);
      if (read) add('e. receiver: readNew returned (rel. append end)', read.endUs - append.endUs);
      if (processed) add('g. isProcessed (EXISTS) call, when made', processed.endUs - processed.startUs);
      add('h. receiver: readNew end -> acknowledge start', ack.startUs - (processed?.endUs ?? read?.endUs ?? append.endUs));
      add('i. acknowledge (EVALSHA) call', ack.endUs - ack.startUs);
      if (notice) add('j. readAckNotices returned (rel. acknowledge end)', notice.endUs - ack.endUs);
      add('k. acknowledge end -> waitForAcks returned', t1 - ack.endUs);
      add('z. round trip total', t1 - t0);
      add('store calls per round trip', cs.length);
    }
    console.log(`round trip on redis, traced: ${complete}/${traces.length} complete traces; median (p50) and p90 of each step, µs`);
    for (const [name, values] of [...steps].sort((x, y) => x[0].localeCompare(y[0]))) {
      const sorted = values.sort((a, b) => a - b);
      console.log(`  ${name.padEnd(52)} p50 ${percentile(sorted, 50).toFixed(0).padStart(5)}  p90 ${percentile(sorted, 90).toFixed(0).padStart(5)}  (n ${sorted.length})`);
    }
  } finally {
    await base.close();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
