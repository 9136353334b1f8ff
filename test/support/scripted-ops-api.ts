/**
 * A stand-in for the daemon's read API, for the dashboard's own tests: the real dashboard route,
 * and /api answers the test writes (odd strings no daemon would return, 1,000 coordinators
 * without 1,000 processes), with a live /api/events the test pushes to.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';
import { dashboardRoutes } from '../../src/server/dashboard-route.js';

export interface ScriptedOpsApi {
  url: string;
  app: FastifyInstance;
  /** What GET /api/coordinators and /api/leaders answer (any JSON: the page must survive it). */
  answers: { coordinators: unknown; leaders: unknown };
  /** Sends one server-sent event to every open stream; resolves once one is open. */
  push(name: string, data: unknown): Promise<void>;
  /** Sends raw text (malformed events) to every open stream. */
  pushRaw(text: string): Promise<void>;
  close(): Promise<void>;
}

export async function startScriptedOpsApi(token: string): Promise<ScriptedOpsApi> {
  const app = Fastify();
  const streams = new Set<ServerResponse>();
  let opened: () => void = () => undefined;
  let streamOpen = new Promise<void>((resolve) => (opened = resolve));
  const answers: ScriptedOpsApi['answers'] = { coordinators: { generatedAt: 0, swarms: [] }, leaders: { namespaces: [] } };

  await app.register(dashboardRoutes);
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/')) return;
    const query = new URL(request.url, 'http://x').searchParams.get('token');
    if (request.headers.authorization !== `Bearer ${token}` && query !== token) {
      return reply.code(401).send({ error: { code: 'RDV_ERR_UNAUTHORIZED', message: 'Missing or wrong API token.', retryable: false } });
    }
  });
  app.get('/api/coordinators', async () => answers.coordinators);
  app.get('/api/leaders', async () => answers.leaders);
  app.get('/api/events', (request, reply) => {
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    reply.raw.write(': hello\n\n');
    streams.add(reply.raw);
    opened();
    request.raw.on('close', () => streams.delete(reply.raw));
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });

  const pushRaw = async (text: string): Promise<void> => {
    await streamOpen;
    for (const stream of streams) stream.write(text);
  };
  return {
    url,
    app,
    answers,
    pushRaw,
    push: (name, data) => pushRaw(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`),
    close: async () => {
      for (const stream of streams) stream.end();
      streamOpen = Promise.resolve();
      await app.close();
    },
  };
}
