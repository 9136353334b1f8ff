import type { FastifyInstance } from 'fastify';
import { globalKeys, hashTagOf } from '../../protocol/keys.js';
import { isValidId } from '../../protocol/ids.js';
import { electionDefaults } from '../../supervision/election-options.js';
import { judgeLease } from '../../supervision/election/lease-verdict.js';
import { ElectionSeals } from '../../supervision/election/seals.js';
import type { DaemonContext } from '../context.js';

/** Namespaces listed at most (each costs three reads). */
const MAX_NAMESPACES = 200;

/** GET /api/leaders: every election namespace's leader (when its sealed lease verifies), epoch and workers: the seeds' locks status. */
export function leaderRoutes(ctx: DaemonContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/api/leaders', async () => {
      const namespaces = new Set([ctx.election.namespace]);
      // Every namespace ever elected keeps its epoch counter (permanent).
      for await (const batch of ctx.store.scanKeys(globalKeys.epoch('*'), 500)) {
        for (const key of batch) {
          const ns = hashTagOf(key);
          if (isValidId(ns) && namespaces.size < MAX_NAMESPACES) namespaces.add(ns);
        }
      }
      const now = await ctx.store.time();
      const keyring = { current: ctx.keyring() };
      const out = [];
      for (const namespace of [...namespaces].sort()) {
        const [state, workers] = await Promise.all([ctx.store.readLease(namespace), ctx.store.listWorkers(namespace, electionDefaults.workerTimeoutMs)]);
        const verdict = judgeLease(new ElectionSeals(keyring, namespace), state);
        const held = verdict.kind === 'held';
        out.push({
          namespace,
          leaderId: held ? verdict.lease.workerId : null,
          epoch: held ? verdict.lease.epoch : null,
          leaseRemainingMs: held ? state.ttlMs : null,
          ...(verdict.kind === 'forged' ? { forged: verdict.reason } : {}),
          workers: workers.map((w) => ({ workerId: w.workerId, lastHeartbeat: w.lastHeartbeat, heartbeatAgeMs: Math.max(0, now - w.lastHeartbeat), startTime: w.startTime })),
        });
      }
      return { namespaces: out };
    });
  };
}
