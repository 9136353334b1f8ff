import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { ForbiddenError, InvalidRequestError, NotFoundError, UnauthorizedError } from '../protocol/errors.js';
import type { DaemonContext } from './context.js';
import { dashboardRoutes } from './dashboard-route.js';
import { errorReply } from './http-errors.js';
import { coordinatorRoutes } from './routes/coordinators.js';
import { eventRoutes } from './routes/events.js';
import { leaderRoutes } from './routes/leaders.js';
import { probeRoutes } from './routes/probes.js';
import { signalRoutes } from './routes/signals.js';
import { supervisionRoutes } from './routes/supervision.js';
import { bearerOf, type Access } from './tokens.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route changes state: it needs the read-write token, and mutations enabled. */
    mutating?: boolean;
  }
  interface FastifyRequest {
    access: Access;
  }
}

/**
 * The daemon's HTTP server: probes and /metrics open, /api behind a bearer token (read-only or
 * read-write), every error a typed RDV_ERR_* JSON body. Fastify's own logger stays off: request
 * lines would carry `?token=` of /api/events; the daemon logs what it needs itself.
 */
export function buildApp(ctx: DaemonContext): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: ctx.config.bodyLimitBytes, return503OnClosing: true, forceCloseConnections: 'idle' });
  app.decorateRequest('access', 'none');

  app.addHook('onRequest', async (request) => {
    // By the route matched, never the raw URL: an encoded path (`/%61pi/...`) matches the same route.
    const route = request.routeOptions.url;
    if (route === undefined || !isApi(route)) return;
    const fromQuery = route === '/api/events' ? queryToken(request) : undefined;
    request.access = ctx.tokens.accessOf(bearerOf(request.headers.authorization) ?? fromQuery);
    if (request.access === 'none') throw new UnauthorizedError(ctx.tokens.configured);
    if (request.routeOptions.config.mutating) {
      if (!ctx.config.mutations) throw new ForbiddenError(`${request.method} ${route}`, 'mutations are disabled on this daemon (--no-mutations or RENDEZVOUS_API_MUTATIONS=false)');
      if (request.access !== 'write') throw new ForbiddenError(`${request.method} ${route}`);
    }
  });

  app.addHook('onResponse', async (request, reply) => {
    ctx.metrics.httpRequests.inc({ route: request.routeOptions.url ?? 'unmatched', method: request.method, status: String(reply.statusCode) });
  });

  app.setNotFoundHandler(async (request) => {
    // An unknown /api path still needs a token: without one, 401 tells nothing about which routes exist.
    if (isApi(request.url) && ctx.tokens.accessOf(bearerOf(request.headers.authorization)) === 'none') throw new UnauthorizedError(ctx.tokens.configured);
    throw new NotFoundError(`Route ${request.method} ${request.url.split('?')[0]!.slice(0, 200)}`);
  });

  app.setErrorHandler(async (error, request, reply) => {
    // Fastify's own 4xx (malformed JSON, body too large, wrong content type) become typed errors with its status.
    const framework = error as { statusCode?: number; code?: string; message?: string };
    if (typeof framework.statusCode === 'number' && framework.statusCode >= 400 && framework.statusCode < 500 && typeof framework.code === 'string' && framework.code.startsWith('FST_')) {
      const { body } = errorReply(new InvalidRequestError(frameworkMessage(framework.code)));
      return reply.status(framework.statusCode).send(body);
    }
    const { status, body } = errorReply(error);
    if (status >= 500) ctx.logger.warn({ err: error, route: request.routeOptions.url, code: body.error.code }, 'request failed');
    return reply.status(status).send(body);
  });

  app.register(probeRoutes(ctx));
  app.register(coordinatorRoutes(ctx));
  app.register(leaderRoutes(ctx));
  app.register(signalRoutes(ctx));
  app.register(supervisionRoutes(ctx));
  app.register(eventRoutes(ctx));
  app.register(dashboardRoutes); // `/` and /dashboard/*: the page asks for the token itself
  return app;
}

/** `/api` and what is under it (not `/apis`). */
const isApi = (url: string): boolean => /^\/api(?:[/?]|$)/.test(url);

function queryToken(request: FastifyRequest): string | undefined {
  const token = (request.query as Record<string, unknown> | undefined)?.token;
  return typeof token === 'string' ? token : undefined;
}

/** A fixed message per framework error: its own messages may quote the input. */
function frameworkMessage(code: string): string {
  switch (code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'the body is not valid JSON';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'the body is larger than the daemon accepts';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'send the body as application/json';
    default:
      return `the request was refused (${code})`;
  }
}
