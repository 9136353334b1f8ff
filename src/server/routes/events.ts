import type { FastifyInstance } from 'fastify';
import type { DaemonContext } from '../context.js';

/** GET /api/events: the live feed (server-sent events); `?token=` is accepted here only, for EventSource. */
export function eventRoutes(ctx: DaemonContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/api/events', async (request, reply) => {
      reply.hijack(); // the hub writes the stream itself, for as long as the client stays (so onResponse never runs: counted here)
      ctx.metrics.httpRequests.inc({ route: '/api/events', method: request.method, status: '200' });
      ctx.hub.attach(reply.raw);
    });
  };
}
