/**
 * Serves the dashboard: `/` is its page, `/dashboard/<file>` its scripts and style, read once at
 * start from the folder beside this module (src/server/dashboard/ under tsx, dist/server/dashboard/
 * once built). Only those files are served: a request names one of them or gets a 404, so no
 * path ever reaches the file system. The page runs under a Content-Security-Policy without inline
 * scripts or styles, so markup that slipped through escaping still could not run a script.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

export interface DashboardRouteOptions {
  /** The folder holding index.html, the modules and style.css. Default: ./dashboard/ beside this module. */
  dir?: URL;
}

/** Reads the dashboard's files: name -> body, content type, ETag. */
export function loadDashboardAssets(dir: URL): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[name.slice(name.lastIndexOf('.'))];
    if (type === undefined) continue;
    const body = readFileSync(new URL(name, dir));
    assets.set(name, { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
  }
  if (!assets.has('index.html')) throw new Error(`dashboard: no index.html in ${dir.pathname}`);
  return assets;
}

/**
 * A fastify plugin: `app.register(dashboardRoutes)`. The routes need no token (the page holds no
 * data; it asks the operator for the token and sends it to /api itself).
 */
export async function dashboardRoutes(app: FastifyInstance, options: DashboardRouteOptions = {}): Promise<void> {
  const assets = loadDashboardAssets(options.dir ?? new URL('./dashboard/', import.meta.url));
  const index = assets.get('index.html')!;

  const send = (request: FastifyRequest, reply: FastifyReply, asset: Asset): FastifyReply => {
    reply
      .header('content-security-policy', DASHBOARD_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('x-frame-options', 'DENY')
      // Revalidated each load (cheap with the ETag): after an upgrade the page and the API agree.
      .header('cache-control', 'no-cache')
      .header('etag', asset.etag);
    if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
    return reply.type(asset.type).send(asset.body);
  };

  app.get('/', (request, reply) => send(request, reply, index));
  app.get<{ Params: { file: string } }>('/dashboard/:file', (request, reply) => {
    const asset = request.params.file === 'index.html' ? undefined : assets.get(request.params.file);
    if (asset === undefined) {
      return reply.code(404).send({ error: { code: 'RDV_ERR_NOT_FOUND', message: `No dashboard file ${JSON.stringify(request.params.file)}.`, retryable: false } });
    }
    return send(request, reply, asset);
  });
}
