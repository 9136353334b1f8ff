/**
 * Diagnostic: what the sequential round trip allocates (garbage is what brings the young-generation
 * collections into the tail). Runs round trips on a private Redis (Rendezvous, or the raw floor of
 * bench/floor.ts with `floor`) under V8's sampling heap profiler with collected objects included,
 * and prints the bytes allocated per round trip, by area and by function.
 *
 *   npx tsx bench/tools/alloc-round-trip.ts [iterations] [rendezvous|metrics|floor] [top] [survivors]
 *
 * `metrics`: the round trip with the store and both coordinators observed by createMetrics.
 *
 * With `survivors`, collected objects are left out and a young-generation collection runs before
 * the profile is taken: what is left is what outlived a scavenge (promoted, whether or not it has
 * died since): the garbage that makes scavenges slow and old-generation collections come.
 */
import '../quiet.js';
import { Session } from 'node:inspector/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Registry } from 'prom-client';
import { createMetrics, createStore } from '../../src/index.js';
import { startRedis } from '../../test/support/redis-server.js';
import type { Step } from '../alternate.js';
import { withFloor } from '../floor.js';
import { withRoundTrips } from '../scenarios/round-trip.js';
import { newSecret } from '../scenario.js';

const iterations = Number(process.argv[2] ?? 20_000);
const which = process.argv[3] ?? 'rendezvous';
const top = Number(process.argv[4] ?? 30);
const survivors = process.argv[5] === 'survivors';
/** `promoted`: only what died in a major collection is left out (compare with a plain run: the difference died in the old generation). */
const promoted = process.argv[5] === 'promoted';
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (options: { type: 'minor' | 'major'; execution: 'sync' }) => void;

interface Node {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: Node[];
  id: number;
}
interface Sample {
  size: number;
  nodeId: number;
}

function area(url: string): string {
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return `node_modules/${nm[1]}`;
  const src = /\/(src|bench|test)\/(.*)$/.exec(url);
  if (src) return `${src[1]}/${src[2]}`;
  return url || '(native)';
}

async function measure(step: Step): Promise<void> {
  for (let i = 0; i < 3_000; i += 1) await step(i);
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', { samplingInterval: 256, includeObjectsCollectedByMajorGC: !survivors && !promoted, includeObjectsCollectedByMinorGC: !survivors } as never);
  for (let i = 0; i < iterations; i += 1) await step(3_000 + i);
  if (survivors) gc({ type: 'minor', execution: 'sync' });
  const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: Node; samples: Sample[] } };
  session.disconnect();
  const byId = new Map<number, Node>();
  const walk = (node: Node) => {
    byId.set(node.id, node);
    node.children.forEach(walk);
  };
  walk(profile.head);
  const total = profile.samples.reduce((t, s) => t + s.size, 0);
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const s of profile.samples) {
    const frame = byId.get(s.nodeId)!.callFrame;
    const a = area(frame.url);
    byArea.set(a, (byArea.get(a) ?? 0) + s.size);
    const f = `${frame.functionName || '(anonymous)'} ${a}:${frame.lineNumber + 1}`;
    byFunction.set(f, (byFunction.get(f) ?? 0) + s.size);
  }
  const perOp = (bytes: number) => (bytes / iterations).toFixed(0).padStart(7);
  console.log(`${which}: ${iterations} round trips, ${(total / iterations / 1_024).toFixed(1)} KB ${survivors ? 'outliving a scavenge' : 'allocated'} per round trip (sampled every 256 bytes${survivors ? '' : ', collected objects included'})`);
  console.log('\nby area (bytes per round trip):');
  for (const [a, b] of [...byArea].sort((x, y) => y[1] - x[1]).slice(0, top)) console.log(`${perOp(b)}  ${a}`);
  console.log('\nby function (bytes per round trip):');
  for (const [f, b] of [...byFunction].sort((x, y) => y[1] - x[1]).slice(0, top)) console.log(`${perOp(b)}  ${f}`);
}

async function main(): Promise<void> {
  const server = await startRedis();
  const store = await createStore({ url: server.url });
  try {
    if (which === 'floor') await withFloor(server.url, (floor) => measure(floor.pingFirst));
    else {
      const metrics = which === 'metrics' ? createMetrics({ registry: new Registry() }) : undefined;
      metrics?.observeStore(store);
      const observe = metrics ? { observe: (c: Parameters<typeof metrics.observeCoordinator>[0]) => void metrics.observeCoordinator(c) } : {};
      await withRoundTrips({ store, swarmId: 'alloc', secret: newSecret(), counts: { warmup: 0, measured: 0 }, ...observe }, measure);
    }
  } finally {
    await store.close();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
