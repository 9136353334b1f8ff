import type { InboxRef, Store } from '../../store/port.js';
import { entryNeedle } from '../../store/push.js';

/**
 * What a retry found: `acknowledged` (its receiver's ACK is stored), `resent` (still in the
 * inbox: the receiver's process was told to read it again), `pending` (still in the inbox and
 * nobody listens: delivered when the receiver starts), `unknown` (neither: expired, or never sent).
 */
export type RetryOutcome = 'acknowledged' | 'pending' | 'resent' | 'unknown';

/** Entries of one inbox examined when looking for one message. */
const SEARCH_LIMIT = 1_000;

type RetryStore = Pick<Store, 'readAck' | 'peekInbox' | 'nudge'>;

/**
 * Retries one unacknowledged signal, idempotently: the signal is never appended a second time (its
 * entry is still in the inbox until acknowledged); the receiver is asked to read its inbox again.
 */
export async function retrySignal(store: RetryStore, to: InboxRef, messageId: string): Promise<RetryOutcome> {
  if ((await store.readAck(to, messageId)) !== null) return 'acknowledged';
  const needle = entryNeedle(messageId);
  const entries = await store.peekInbox(to, '0-0', SEARCH_LIMIT);
  if (!entries.some((entry) => entry.body?.includes(needle))) return 'unknown';
  return (await store.nudge(to)) > 0 ? 'resent' : 'pending';
}

/** One result of retry-failed. */
export interface RetryResult {
  swarmId: string;
  to: string;
  messageId: string;
  outcome: RetryOutcome;
}

/** Most signals retry-failed examines per call; the rest wait for the next. */
const MAX_EXAMINED = 1_000;

type RetryFailedStore = RetryStore & Pick<Store, 'listSwarms' | 'listRegistry' | 'time'>;

/**
 * Every signal older than `olderThanMs` (by the store's clock) still unacknowledged in an inbox of
 * the registered coordinators of `swarmId` (or of every swarm): each retried as retrySignal does,
 * each inbox nudged once.
 */
export async function retryFailed(store: RetryFailedStore, options: { swarmId?: string; olderThanMs: number }): Promise<{ examined: number; resent: number; results: RetryResult[] }> {
  const now = await store.time();
  const swarms = options.swarmId === undefined ? await store.listSwarms() : [options.swarmId];
  const results: RetryResult[] = [];
  for (const swarmId of swarms) {
    for (const { coordinatorId } of await store.listRegistry(swarmId)) {
      if (results.length >= MAX_EXAMINED) break;
      const to = { swarmId, coordinatorId };
      const old = (await store.peekInbox(to, '0-0', MAX_EXAMINED - results.length)).filter((entry) => now - entry.time >= options.olderThanMs);
      if (old.length === 0) continue;
      const told = await store.nudge(to);
      for (const entry of old) {
        const messageId = /"messageId":"([^"\\]{1,200})"/.exec(entry.body ?? '')?.[1];
        if (messageId === undefined) continue;
        const acked = (await store.readAck(to, messageId)) !== null;
        results.push({ swarmId, to: coordinatorId, messageId, outcome: acked ? 'acknowledged' : told > 0 ? 'resent' : 'pending' });
      }
    }
  }
  return { examined: results.length, resent: results.filter((r) => r.outcome === 'resent').length, results };
}
