import type { Logger } from '../../protocol/logger.js';
import { redactError } from '../../protocol/redact.js';

const REPEAT_AFTER_MS = 10_000;

/**
 * ioredis's `reconnectOnError` for the clients Rendezvous builds (Sentinel and URL, not Cluster,
 * which follows its slots' moves itself). A READONLY reply means the connection is on a server
 * that was demoted to a replica and kept its clients connected: a failover whose `+switch-master`
 * this client never heard (its sentinel connections were down), a proxy or DNS name in front of
 * Redis, or an operator's hand-made REPLICAOF. Nothing breaks that connection: every write would
 * be refused for ever. Reconnecting asks the sentinels (or DNS) again for the master. The command
 * fails (StoreUnavailableError, retryable) and is not resent here: its caller's retry decides.
 * Logged at most every 10 s.
 */
export function reconnectWhenDemoted(logger: Logger): (error: Error) => 1 | false {
  let lastAt = -Infinity;
  return (error) => {
    if (!error.message.startsWith('READONLY')) return false;
    const now = performance.now();
    if (now - lastAt >= REPEAT_AFTER_MS) {
      lastAt = now;
      logger.warn({ err: redactError(error) }, 'Redis answered READONLY: this connection is on a server demoted to a replica (a failover this client did not hear); reconnecting to find the master');
    }
    return 1;
  };
}
