import type { Cluster, Redis } from 'ioredis';
import { StoreUnavailableError } from '../../protocol/errors.js';
import { operationDeadlineMs } from './call-deadlines.js';
import { messageOf } from './node-query.js';

/** What ioredis rejects connect() with when the connection closed (a Cluster: every seed node), whatever closed it. */
const SAYS_NOTHING = new Set(['Connection is closed.', 'None of startup nodes is available']);

/**
 * Connects a client createStore made, or disconnects it and throws StoreUnavailableError.
 * - ioredis emits the reason (WRONGPASS, a refused certificate, ECONNREFUSED) as an 'error' and
 *   then rejects with a bare "Connection is closed." (a Cluster: "None of startup nodes is
 *   available", the reason in the emitted error's `lastNodeError`): the error names that reason
 *   instead. Like every cause, it is a redacted copy (a failed AUTH's carries the password).
 * - A Sentinel client whose sentinels are all unreachable never settles connect() (it asks them
 *   again and again): after the store's operation deadline (twice commandTimeout) it is given up.
 */
export async function connectClient(client: Redis | Cluster): Promise<void> {
  const deadlineMs = operationDeadlineMs(client);
  let reason: unknown;
  const remember = (error: unknown): void => {
    reason = error;
  };
  client.on('error', remember);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), deadlineMs)));
  const connecting = client.connect();
  connecting.catch(() => undefined); // it may still fail after it was given up
  try {
    if ((await Promise.race([connecting, late])) !== 'late') return;
    const last = reason === undefined ? '' : ` (last error: ${messageOf(reason)})`;
    throw new StoreUnavailableError('connect', new Error(`not connected within ${deadlineMs} ms${last}`, reason === undefined ? undefined : { cause: reason }));
  } catch (error) {
    client.disconnect();
    if (error instanceof StoreUnavailableError) throw error;
    const saysNothing = error instanceof Error && SAYS_NOTHING.has(error.message);
    throw new StoreUnavailableError('connect', saysNothing && reason !== undefined ? nodeErrorOf(reason) : error);
  } finally {
    clearTimeout(timer);
    client.off('error', remember);
  }
}

/** A Cluster's "Failed to refresh slots cache." holds the last node's own error, the one that says why. */
function nodeErrorOf(reason: unknown): unknown {
  const nodeError = reason instanceof Error ? (reason as Error & { lastNodeError?: unknown }).lastNodeError : undefined;
  return nodeError instanceof Error ? nodeError : reason;
}
