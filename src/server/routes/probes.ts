import type { FastifyInstance } from 'fastify';
import type { DaemonContext } from '../context.js';
import { VERSION } from '../version.js';

/** A store that does not answer a PING this fast counts as unreachable for /ready. */
const READY_TIMEOUT_MS = 2_000;

/** /health, /ready and /metrics: open, no token (the page at `/` is dashboard-route.ts). */
export function probeRoutes(ctx: DaemonContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/health', async () => ({ status: 'ok', version: VERSION, uptimeMs: Math.round(performance.now() - ctx.startedAt) }));

    app.get('/ready', async (_request, reply) => {
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS)));
      const reachable = await Promise.race([ctx.store.time().then(() => true, () => false), late]);
      clearTimeout(timer);
      const latencyMs = reachable ? Math.round((performance.now() - started) * 100) / 100 : null;
      const leaderId = reachable ? await ctx.election.getLeader().catch(() => null) : null;
      const isLeader = ctx.election.isLeader();
      const epoch = ctx.election.getEpoch();
      const ready = reachable && leaderId !== null;
      return reply.status(ready ? 200 : 503).send({
        ready,
        store: { reachable, latencyMs, breaker: ctx.store.breaker.snapshot() },
        supervisor: { namespace: ctx.election.namespace, workerId: ctx.election.workerId, leaderId, epoch: epoch > 0 ? epoch : null, isLeader },
      });
    });

    app.get('/metrics', async (_request, reply) => {
      const text = await ctx.metrics.registry.metrics();
      return reply.type(ctx.metrics.registry.contentType).send(text);
    });
  };
}
