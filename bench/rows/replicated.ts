import { Redis } from 'ioredis';
import { createStore } from '../../src/index.js';
import { startRedis } from '../../test/support/redis-server.js';
import { alternate, cpuPerOp, type Sequential } from '../alternate.js';
import type { Row } from '../figures.js';
import { withRoundTrips } from '../scenarios/round-trip.js';
import { summarize } from '../stats.js';
import { contextFor, cpuFigure, floorFigures, latencyFigures, type BenchEnv } from './context.js';

const BLOCKS = 10;

/**
 * Row 1r: what replicated writes cost per round trip. A replica joins the private Redis for this
 * row only (it runs last: a replica makes the master stream every write), and round trips with
 * `replicatedWrites: { replicas: 1 }` alternate with plain ones on the same master.
 */
export async function replicatedRoundTripRow(env: BenchEnv): Promise<Row> {
  const counts = env.profile.roundTrip;
  env.log(`  1r round trip with replicated writes (1 replica): ${counts.warmup} warm-up + ${counts.measured} timed each, with and without, in ${BLOCKS} alternating blocks ...`);
  const master = new Redis(env.url);
  await master.config('SET', 'repl-diskless-sync-delay', '0');
  const replica = await startRedis({ extraArgs: ['--replicaof', '127.0.0.1', String(env.port)] });
  try {
    const link = new Redis(replica.url);
    try {
      while (!/master_link_status:up/.test(await link.info('replication'))) await new Promise((r) => setTimeout(r, 20));
    } finally {
      link.disconnect();
    }
    // Two stores alike but for the mode, each with its own connection.
    const store = await createStore({ url: env.url, replicatedWrites: { replicas: 1 } });
    const plainStore = await createStore({ url: env.url });
    try {
      const [replicated, plain] = (await withRoundTrips({ ...contextFor(env, 'round-trip-replicated'), store }, (confirmed) =>
        withRoundTrips({ ...contextFor(env, 'round-trip-unreplicated'), store: plainStore }, (unconfirmed) => alternate(counts, BLOCKS, confirmed, unconfirmed)),
      )) as [Sequential, Sequential];
      const ours = summarize(replicated.samplesUs, replicated.elapsedMs);
      const without = summarize(plain.samplesUs, plain.elapsedMs);
      return {
        id: '1r',
        key: 'round-trip-replicated',
        title: 'round trip, replicated writes (1 replica)',
        figures: [
          ...latencyFigures(ours, undefined),
          { metric: 'p50 added', unit: 'µs', ours: ours.p50Us - without.p50Us },
          { metric: 'p99 added', unit: 'µs', ours: ours.p99Us - without.p99Us },
          ...floorFigures(env, ours),
          cpuFigure(cpuPerOp(replicated), undefined, 'round trip'),
        ],
        samples: { ours: replicated.samplesUs },
        details: { ...counts, blocks: BLOCKS, withoutP50Us: without.p50Us, withoutP99Us: without.p99Us, withoutCpuUsPerOp: cpuPerOp(plain), mode: 'a send and an ACK each wait for WAIT 1 (one replica, same machine)' },
      };
    } finally {
      await Promise.all([store.close(), plainStore.close()]);
    }
  } finally {
    await replica.stop();
    master.disconnect();
  }
}
