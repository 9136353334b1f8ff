/**
 * Diagnostic: where one Redis round trip's time goes. Wraps the Store in a recorder (no change to
 * src/) of its calls and of the pushes its subscriptions deliver, runs sequential round trips, and
 * reports the median time of each step, so the critical path splits into store calls and pushes
 * (network + Redis) and library code between.
 *
 *   npx tsx bench/tools/trace-round-trip.ts [iterations]
 */
import '../quiet.js';
import { BlockingCoordinator, createStore, type InboxRef, type PushListener, type Store } from '../../src/index.js';
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

/** Records a push's arrival as a zero-length call named `push:<kind>`. */
function recordingListener(listener: PushListener): PushListener {
  const at = (op: string) => calls.push({ op, startUs: elapsedUs(origin), endUs: elapsedUs(origin) });
  return {
    ...(listener.signal ? { signal: (entry) => (at('push:signal'), listener.signal!(entry)) } : {}),
    ...(listener.ackNotice ? { ackNotice: (entry) => (at('push:ackNotice'), listener.ackNotice!(entry)) } : {}),
    resync: () => listener.resync(),
  };
}

/** A Store whose every method call is recorded with its start and end time, and every push with its arrival. */
function recording(store: Store): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const op = String(property);
      if (op === 'subscribe') return (ref: InboxRef, listener: PushListener) => store.subscribe(ref, recordingListener(listener));
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
    await Promise.all([sender.start(), receiver.start()]);
    const traces: { t0: number; t1: number; calls: Call[] }[] = [];
    await withLoops(
      [sender, receiver],
      (stop) => [respondLoop(receiver, { types: 'wake' }, async (s) => void (await receiver.acknowledge(s)), stop)],
      async () => {
        for (let i = 0; i < 1_000 + iterations; i += 1) {
          calls = [];
          const t0 = elapsedUs(origin);
          const { messageId } = await sender.sendSignal('trace-receiver', 'wake', { iteration: i });
          const acks = await sender.waitForAcks(['trace-receiver'], messageId, { timeoutMs: 10_000 });
          if (acks.size !== 1) throw new Error('no ACK');
          const t1 = elapsedUs(origin);
          if (i >= 1_000) traces.push({ t0, t1, calls });
        }
      },
    );

    // The steps of a round trip, relative to the send (t0).
    const steps = new Map<string, number[]>();
    const add = (name: string, value: number): void => void (steps.get(name) ?? steps.set(name, []).get(name)!).push(value);
    let complete = 0;
    for (const { t0, t1, calls: cs } of traces) {
      const first = (op: string) => cs.find((c) => c.op === op);
      const append = first('appendSignal');
      const pushed = first('push:signal');
      const ack = first('acknowledge');
      const notice = first('push:ackNotice');
      const reads = cs.filter((c) => c.op !== 'appendSignal' && c.op !== 'acknowledge' && !c.op.startsWith('push:'));
      if (!append || !pushed || !ack || !notice) continue;
      complete += 1;
      add('a. sendSignal: JS before appendSignal', append.startUs - t0);
      add('b. appendSignal (PING + EVALSHA) call', append.endUs - append.startUs);
      add('c. receiver: signal pushed (rel. append start)', pushed.startUs - append.startUs);
      add('d. receiver: push -> acknowledge start', ack.startUs - pushed.startUs);
      add('e. acknowledge (PING + EVALSHA) call', ack.endUs - ack.startUs);
      add('f. sender: ACK notice pushed (rel. acknowledge start)', notice.startUs - ack.startUs);
      add('g. notice push -> waitForAcks returned', t1 - notice.startUs);
      add('other store calls per round trip (usually 0)', reads.length);
      add('z. round trip total', t1 - t0);
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
