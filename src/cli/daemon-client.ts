/**
 * Calls a running daemon's ops API (docs/operations.md) for what must go through the elected
 * supervisor: RENDEZVOUS_API_URL (or --api) and the write token RENDEZVOUS_API_TOKEN.
 */
import { ERROR_CODES, InvalidConfigError, RendezvousError, type ErrorCode } from '../protocol/errors.js';

export interface ApiFlags {
  api?: string;
}

export async function callDaemon(flags: ApiFlags, method: 'GET' | 'POST', path: string, why: string, env: NodeJS.ProcessEnv = process.env): Promise<unknown> {
  const base = flags.api ?? (env.RENDEZVOUS_API_URL || undefined);
  if (base === undefined) throw new InvalidConfigError(`${why}: set RENDEZVOUS_API_URL (or --api) to a running \`rendezvous serve\`, with its write token in RENDEZVOUS_API_TOKEN`);
  const token = env.RENDEZVOUS_API_TOKEN || undefined;
  if (token === undefined) throw new InvalidConfigError('set RENDEZVOUS_API_TOKEN to the daemon\'s write token');
  let response: Response;
  try {
    response = await fetch(new URL(path, base), { method, headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    throw new RendezvousError(ERROR_CODES.STORE_UNAVAILABLE, `the daemon at ${base} did not answer (${reason}): check RENDEZVOUS_API_URL and that it runs, then retry`);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (response.ok) return body;
  const failure = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  const known = Object.values(ERROR_CODES) as string[];
  const code = (failure?.code && known.includes(failure.code) ? failure.code : ERROR_CODES.INTERNAL) as ErrorCode;
  throw new RendezvousError(code, `the daemon answered ${response.status}: ${failure?.message ?? text.slice(0, 200)}`, { status: response.status });
}
