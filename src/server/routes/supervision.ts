import type { FastifyInstance } from 'fastify';
import type { DaemonContext } from '../context.js';
import { cleanupBody, emptyBody } from '../schemas.js';
import { validate } from '../validate.js';

/** Supervisor actions: a check now (on the leader), a cleanup, the breaker's reset. */
export function supervisionRoutes(ctx: DaemonContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.post('/api/timeouts/force-check', { config: { mutating: true } }, async (request) => {
      validate(emptyBody, request.body, 'body');
      const summary = await ctx.supervisor.checkNow();
      return { ranOn: ctx.election.workerId, epoch: summary.epoch, durationMs: Math.round(summary.durationMs * 100) / 100, swarms: summary.swarms, coordinators: summary.coordinators };
    });

    app.post('/api/cleanup', { config: { mutating: true } }, async (request) => {
      const { dryRun, thresholdMs } = validate(cleanupBody, request.body ?? {}, 'body');
      return ctx.runCleanup({ dryRun, ...(thresholdMs === undefined ? {} : { staleThresholdMs: thresholdMs }) });
    });

    app.post('/api/circuit-breaker/reset', { config: { mutating: true } }, async (request) => {
      validate(emptyBody, request.body, 'body');
      ctx.store.breaker.reset();
      return ctx.store.breaker.snapshot();
    });
  };
}
